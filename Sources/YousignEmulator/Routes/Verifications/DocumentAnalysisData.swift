import Foundation
import JSONCodec

/// The result fields of a document analysis: `extracted_from_document` (every key of the type's
/// extraction schema, null until `done` and after anonymization), `checks` (null unless the
/// request asked for some, until there is a result) and `fraud_risk_analysis` (only with
/// `fraud_level: advanced`).
enum DocumentAnalysisData {
    /// Sets the fields for a result with `status`.
    static func apply(_ status: VerificationStatus, to body: inout JSONObject, now: Date) {
        let typeName = body["type"]?.stringValue
        let country = body["country_code"]?.stringValue
        let input = body["_input"]?.objectValue ?? [:]
        let names = Names(input)
        if let typeName {
            var extracted = skeleton(typeName, country: country)
            if status == .done {
                extracted = merged(extracted, DocumentAnalysisSamples.values(typeName, country: country, names: names, input: input, now: now))
            }
            body["extracted_from_document"] = .object(extracted)
            body["checks"] = checks(typeName, input["checks"]?.objectValue, status: status, names: names, extracted: extracted)
        }
        if body["analysis_type"]?["fraud_level"] == "advanced" { body["fraud_risk_analysis"] = fraudRisk(status) }
    }

    static func anonymize(_ body: inout JSONObject) {
        if let typeName = body["type"]?.stringValue {
            body["extracted_from_document"] = .object(skeleton(typeName, country: body["country_code"]?.stringValue))
            // checks repeat the names they compared
            body["checks"] = .null
        }
    }

    /// The names the document is expected to show: from the checks, else the applicant, else defaults.
    struct Names {
        var first: String
        var last: String
        var full: String { "\(first) \(last)" }

        init(_ input: JSONObject) {
            let checks = input["checks"]
            let source = checks?["full_name_check"] ?? checks?["legal_representatives"]?[0]
                ?? checks?["vehicle_owner"] ?? checks?["policy_holder"] ?? checks
            first = source?["first_name"]?.stringValue ?? input["first_name"]?.stringValue ?? VerificationData.defaultFirstName
            last = source?["last_name"]?.stringValue ?? input["last_name"]?.stringValue ?? VerificationData.defaultLastName
        }
    }

    /// The response `checks`: each expected value against what was read. `done` reads exactly
    /// the expected value; `failed` finds no match [I]; other statuses have no checks yet.
    static func checks(_ typeName: String, _ asked: JSONObject?, status: VerificationStatus, names: Names, extracted: JSONObject) -> JSONValue {
        guard let asked, status == .done || status == .failed, let kind = DocumentAnalysisKind.named(typeName) else { return .null }
        func check(_ expected: String) -> JSONValue {
            .object(["expected": .string(expected), "extracted": status == .done ? .string(expected) : .null,
                     "match_level": status == .done ? "exact" : "no_match"])
        }
        func fullName(_ person: JSONValue?) -> String {
            if person?["type"] == "legal_person" { return person?["company_name"]?.stringValue ?? "" }
            return "\(person?["first_name"]?.stringValue ?? "") \(person?["last_name"]?.stringValue ?? "")"
        }
        switch kind.checks {
        case .person:
            return .object(["full_name": check(fullName(.object(asked)))])
        case .legalRepresentatives:
            let reps = asked["legal_representatives"]?.arrayValue ?? []
            return .object(["legal_representatives": .array(reps.map { .object(["full_name": check(fullName($0))]) })])
        case .vehicleOwner:
            return .object(["vehicle_owner": .object(["owner_name": check(fullName(asked["vehicle_owner"]))])])
        case .policyHolder:
            return .object(["policy_holder": .object(["owner_name": check(fullName(asked["policy_holder"]))])])
        case .taxNotice, .payslip:
            var result: JSONObject = [:]
            if let names = asked["full_name_check"] { result["full_name"] = check(fullName(names)) }
            if let year = asked["income_year_check"]?["income_year"], let expected = year.intValue ?? year.stringValue.flatMap(Int64.init) {
                result["income_year"] = .object(["expected": .integer(expected), "extracted": status == .done ? .integer(expected) : .null,
                                                 "match_level": status == .done ? "exact" : "no_match"])
            }
            return .object(result)
        case .none:
            return .null
        }
    }

    /// Fraud detection: trusted-looking when done, a high risk with one indicator when failed,
    /// undecided otherwise [I].
    static func fraudRisk(_ status: VerificationStatus) -> JSONValue {
        switch status {
        case .done: return .object(["risk_level": "low", "indicators": .array([])])
        case .failed:
            return .object(["risk_level": "high", "indicators": .array([.object([
                "indicator": "metadata_edited", "type": "metadata", "category": "document_integrity",
                "title": "Edited document", "description": "The file's metadata show it was edited after it was issued.",
            ])])])
        default: return .object(["risk_level": .null, "indicators": .array([])])
        }
    }

    /// Every key of the type's extraction schema, with null leaves (and empty arrays).
    static func skeleton(_ typeName: String, country: String?) -> JSONObject {
        let key = typeName == "vehicle_registration_document" && country == "IT" ? "vehicle_registration_document/IT" : typeName
        guard let text = skeletons[key], case .object(let o)? = try? JSONValue(parsing: Array(text.utf8)) else { return [:] }
        return o
    }

    /// `base` with `values` written over it, nested objects merged key by key.
    static func merged(_ base: JSONObject, _ values: JSONObject) -> JSONObject {
        var out = base
        for (key, value) in values {
            if case .object(let inner)? = out[key], case .object(let given) = value {
                out[key] = .object(merged(inner, given))
            } else {
                out[key] = value
            }
        }
        return out
    }

    /// Generated from the spec's `*Extraction` schemas: keys only, every leaf null.
    static let skeletons: [String: String] = [
        "social_security": #"{"social_security_number":null,"first_name":null,"last_name":null,"full_name":null,"document_type":null}"#,
        "company_certificate": #"{"verification_number":null,"company_name":null,"company_number":null,"registered_address":null,"issuance_date":null,"legal_representatives":[],"document_type":null}"#,
        "business_registration_certificate": #"{"issuance_date":null,"company_description":{"active":null,"legal_form":null,"company_name":null,"company_number":null,"headquarter_company_number":null,"first_name":null,"last_name":null,"full_name":null},"branch_description":{"address":null,"city":null,"postal_code":null,"active":null,"branch_company_number":null},"document_type":null}"#,
        "driver_licence": #"{"first_name":null,"last_name":null,"full_name":null,"born_on":null,"expired_on":null,"license_type":null,"document_type":null}"#,
        "rne_certificate": #"{"company_name":null,"company_number":null,"registered_address":null,"issuance_date":null,"legal_representatives":[],"document_type":null}"#,
        "temporary_vehicle_registration_document": #"{"vehicle_category":null,"vehicle_license_number":null,"vehicle_identification_number":null,"vehicle_purpose":null,"vehicle_first_registration_year":null,"vehicle_owner_information":{"vehicle_owner_full_name":null,"vehicle_owner_birth_date":null,"vehicle_owner_address":null},"other_details":null,"issuance_date":null,"document_reason":null,"document_recipient_information":{"document_recipient_full_name":null,"document_recipient_address":null,"document_recipient_birth_date":null,"document_recipient_birth_city":null}}"#,
        "vehicle_registration_document": #"{"licence_plate_number":null,"first_registration_date":null,"owner_information":{"owner_full_name":null,"owner_address":null,"owner_type":null},"co_owner_information":[],"vehicle_information":{"vehicle_brand":null,"vehicle_version":null,"vehicle_model":null},"vehicle_identification_number":null,"vehicle_max_weight":null,"vehicle_motor_information":{"vehicle_fuel_type":null,"vehicle_fiscal_power":null,"vehicle_max_power":null,"vehicle_power":null},"document_number":null,"issuance_date":null,"vehicle_next_inspection_date":null,"mrz_line_1":null,"mrz_line_2":null,"document_type":null}"#,
        "vehicle_registration_document/IT": #"{"licence_plate_number":null,"first_registration_date":null,"owner_information":{"owner_full_name":null,"owner_address":null,"owner_type":null,"owner_birth_date":null},"co_owner_information":[],"deed_informations":[],"vehicle_information":{"vehicle_brand":null,"vehicle_version":null,"vehicle_model":null},"vehicle_body":null,"vehicle_identification_number":null,"vehicle_total_mass":null,"vehicle_motor_information":{"vehicle_fuel_type":null,"vehicle_max_power":null,"vehicle_displacement_type":null},"document_type":null,"issuance_date":null,"vehicle_approval_number":null,"vehicle_destination_and_use":null,"international_vehicle_category":null,"mass_of_the_vehicle_in_service":null,"vehicle_maximum_technical_mass":null,"vehicle_maximum_permissible_mass":null}"#,
        "auto_insurance_claims_history": #"{"policy_holder_full_name":null,"policy_holder_address":null,"policy_holder_birth_date":null,"insurance_score":null,"issuance_date":null,"effective_start_date":null,"active_contract":null,"contract_cancellation_date":null,"vehicle_model":null,"vehicle_license_plate":null,"drivers_information":null,"incidents_information":null}"#,
        "tax_notice": #"{"full_name":null,"fiscal_number_1":null,"fiscal_number_2":null,"tax_notice_reference":null,"issuance_date":null,"income_year":null,"reference_income":null,"document_type":null,"2d_doc":{"full_name_1":null,"fiscal_number_1":null,"full_name_2":null,"fiscal_number_2":null,"tax_notice_reference":null,"income_year":null,"reference_income":null,"parts_count":null}}"#,
        "payslip": #"{"first_name":null,"last_name":null,"full_name":null,"employer_name":null,"pay_period_start_date":null,"pay_period_end_date":null,"net_pay":null,"gross_pay":null,"document_type":null}"#,
        "invoice": #"{"issuance_date":null,"invoice_number":null,"invoice_date":null,"seller_name":null,"seller_address":null,"seller_company_number":null,"vat_identification_number":null,"billing_address":null,"shipping_address":null,"buyer_name":null,"buyer_address":null,"total_excluding_taxes":null,"total_including_taxes":null,"document_type":null}"#,
    ]
}
