import Foundation
import JSONCodec

/// The document types of `POST /document_analyses` (§5.3): which `country_code` each needs, the
/// shape of its `checks`, and its file limits.
struct DocumentAnalysisKind: Sendable {
    /// What the request's `checks` compare with the document.
    enum Checks: Sendable {
        /// `{first_name, last_name}` → `full_name`.
        case person
        /// `{legal_representatives: [{first_name, last_name}]}` → one `full_name` each.
        case legalRepresentatives
        /// `{vehicle_owner: {type, first_name, last_name, company_name}}` → `vehicle_owner.owner_name`.
        case vehicleOwner
        /// `{policy_holder: {type, …}}` → `policy_holder.owner_name`.
        case policyHolder
        /// `{full_name_check?, income_year_check?}` → `full_name`, `income_year`.
        case taxNotice
        /// `{full_name_check?}` → `full_name`.
        case payslip
        case none
    }

    let name: String
    /// Accepted `country_code` values (then required); empty when the type takes none.
    let countries: [String]
    let checks: Checks
    let rules: UploadRules

    /// The workflow-session `resource.type`. The spec's enum has no entry for tax notices or
    /// fraud-only analyses; they get `tax_notice_document_analysis` and
    /// `fraud_only_document_analysis` [I].
    var resourceType: String {
        let stem = name.hasSuffix("_document") ? String(name.dropLast("_document".count)) : name
        return "\(stem)_document_analysis"
    }

    static let all: [DocumentAnalysisKind] = [
        .init(name: "social_security", countries: [], checks: .person, rules: .analysis),
        .init(name: "company_certificate", countries: [], checks: .legalRepresentatives, rules: .analysis),
        .init(name: "business_registration_certificate", countries: [], checks: .person, rules: .analysis),
        .init(name: "driver_licence", countries: [], checks: .person, rules: .analysis),
        .init(name: "rne_certificate", countries: [], checks: .legalRepresentatives, rules: .analysis),
        .init(name: "temporary_vehicle_registration_document", countries: ["IT"], checks: .vehicleOwner, rules: .analysis),
        .init(name: "vehicle_registration_document", countries: ["FR", "IT"], checks: .vehicleOwner, rules: .analysis),
        .init(name: "auto_insurance_claims_history", countries: [], checks: .policyHolder, rules: .analysis),
        .init(name: "tax_notice", countries: ["FR"], checks: .taxNotice, rules: .analysis),
        .init(name: "payslip", countries: ["FR", "IT"], checks: .payslip, rules: .analysis),
        .init(name: "invoice", countries: ["FR"], checks: .none, rules: .invoice),
    ]

    static let fraudOnly = DocumentAnalysisKind(name: "fraud_only", countries: [], checks: .none, rules: .fraudOnly)

    static func named(_ name: String?) -> DocumentAnalysisKind? { all.first { $0.name == name } }
}

extension BodyReader {
    /// The multipart `checks` of `kind`, validated and normalized (indexed multipart keys such
    /// as `checks[legal_representatives][0][first_name]` become arrays).
    mutating func analysisChecks(_ kind: DocumentAnalysisKind) -> JSONObject? {
        guard has("checks"), !isNull("checks") else { return nil }
        if case .none = kind.checks { problem("checks", "This field was not expected."); return nil }
        guard var checks = object("checks") else { return nil }
        switch kind.checks {
        case .person:
            _ = checks.string("first_name", required: true)
            _ = checks.string("last_name", required: true)
            checks.rejectUnknown(["first_name", "last_name"])
        case .legalRepresentatives:
            let reps = Self.indexedArray(checks["legal_representatives"])
            if reps?.isEmpty ?? true {
                checks.problem("legal_representatives", reps == nil ? "This field is missing." : "This collection should contain 1 element or more.")
            }
            for (i, rep) in (reps ?? []).enumerated() {
                var item = BodyReader(rep.objectValue ?? [:], prefix: checks.name("legal_representatives") + "[\(i)]")
                _ = item.string("first_name", required: true)
                _ = item.string("last_name", required: true)
                checks.merge(item)
            }
            checks.rejectUnknown(["legal_representatives"])
        case .vehicleOwner, .policyHolder:
            let key = kind.checks == .vehicleOwner ? "vehicle_owner" : "policy_holder"
            if var owner = checks.object(key, required: true) {
                let type = owner.enumeration("type", ["natural_person", "legal_person"], required: true)
                _ = owner.string("first_name", required: type == "natural_person")
                _ = owner.string("last_name", required: type == "natural_person")
                _ = owner.string("company_name", required: type == "legal_person")
                owner.rejectUnknown(["type", "first_name", "last_name", "company_name"])
                checks.merge(owner)
            }
            checks.rejectUnknown([key])
        case .taxNotice, .payslip:
            if var names = checks.object("full_name_check") {
                _ = names.string("first_name", required: true)
                _ = names.string("last_name", required: true)
                names.rejectUnknown(["first_name", "last_name"])
                checks.merge(names)
            }
            if kind.checks == .taxNotice, var year = checks.object("income_year_check") {
                _ = year.string("income_year", required: true, max: 4, pattern: "^[0-9]{4}$")
                year.rejectUnknown(["income_year"])
                checks.merge(year)
            }
            checks.rejectUnknown(kind.checks == .taxNotice ? ["full_name_check", "income_year_check"] : ["full_name_check"])
        case .none:
            break
        }
        merge(checks)
        var normalized = checks.object
        if let reps = Self.indexedArray(normalized["legal_representatives"]) { normalized["legal_representatives"] = .array(reps) }
        return normalized
    }

    /// An array, or an object keyed by indexes (`{"0": …, "1": …}`) in index order.
    static func indexedArray(_ value: JSONValue?) -> [JSONValue]? {
        if let array = value?.arrayValue { return array }
        guard let object = value?.objectValue, object.keys.allSatisfy({ Int($0) != nil }) else { return nil }
        return object.sorted { Int($0.key)! < Int($1.key)! }.map(\.value)
    }
}

extension DocumentAnalysisKind.Checks: Equatable {}
