import Foundation
import JSONCodec

/// The `data` object of each verification type (the spec's `*Full` schemas). Every key is
/// present: null leaves until there is a result and after anonymization; plausible values for a
/// verified result, made from what the request (or the applicant) gave. A failed or
/// inconclusive result extracts nothing [I], except watchlists, whose failure is a hit.
/// Identity video evidence URLs stay null: the emulator records no images [I].
enum VerificationData {
    static let defaultFirstName = "Camille"
    static let defaultLastName = "Martin"
    static let defaultIBAN = "FR7630006000011234567890189"
    static let defaultAddress: JSONObject = ["line1": "12 rue de la Paix", "line2": .null, "postal_code": "75002", "city": "Paris"]

    static func empty(_ type: VerificationType) -> JSONValue {
        switch type.path {
        case "identity_documents":
            return .object(["extracted_from_document": .object(nulls(
                "first_name", "birth_name", "last_name", "born_on", "birth_location", "gender", "full_address", "type",
                "issuing_country_code", "issued_on", "expired_on", "document_number", "national_identification_number")
                .merging(["mrz": .object(nulls("line1", "line2", "line3"))]) { $1 })])
        case "identity_videos":
            return .object(["extracted_from_document": .null,
                            "evidence": .object(nulls("document_front_image_url", "document_back_image_url", "face_image_url"))])
        case "proofs_of_address":
            var extracted = nulls("first_name", "last_name", "full_address", "issued_on", "document_type")
            extracted["2d_doc"] = .object(["full_name": .null, "address": .object(nulls("line1", "postal_code", "city", "country_code"))])
            return .object(["extracted_from_document": .object(extracted)])
        case "companies": return .object(company(nil))
        case "watchlists": return .object(watchlist(hit: nil))
        case "bank_accounts": return .object(["extracted_from_document": .object(nulls("iban", "bic"))])
        default: return .object(["extracted_from_document": .object(nulls("iban"))])
        }
    }

    /// The data of a result with `status`.
    static func result(_ type: VerificationType, input: JSONObject, status: VerificationStatus, now: Date) -> JSONValue {
        if type.path == "watchlists" { return .object(watchlist(hit: status == .verified ? nil : status)) }
        guard status == type.success else { return empty(type) }
        let person = Person(input)
        switch type.path {
        case "identity_documents": return .object(["extracted_from_document": .object(identityDocument(person, input, now))])
        case "identity_videos":
            return .object([
                "extracted_from_document": .object([
                    "full_name": .string(person.fullName), "born_on": "1990-05-17",
                    "type": input["type"] ?? "id_card", "issuing_country_code": input["issuing_country_code"] ?? "FR",
                    "national_identification_number": .null,
                ]),
                "evidence": .object(nulls("document_front_image_url", "document_back_image_url", "face_image_url")),
            ])
        case "proofs_of_address": return .object(["extracted_from_document": .object(proofOfAddress(person, input, now))])
        case "companies": return .object(company((input, now)))
        case "bank_accounts":
            return .object(["extracted_from_document": .object(["iban": input["iban"] ?? .string(defaultIBAN),
                                                                 "bic": input["bic"] ?? "AGRIFRPP882"])])
        default: return .object(["extracted_from_document": .object(["iban": input["iban"] ?? .string(defaultIBAN)])])
        }
    }

    struct Person {
        var first: String
        var last: String
        var fullName: String { "\(first) \(last)" }
        init(_ input: JSONObject) {
            first = input["first_name"]?.stringValue ?? VerificationData.defaultFirstName
            last = input["last_name"]?.stringValue ?? VerificationData.defaultLastName
        }
    }

    static func nulls(_ keys: String...) -> JSONObject {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.null) })
    }

    static func day(_ now: Date, plusDays days: Int) -> JSONValue {
        .string(Timestamp.day(now.addingTimeInterval(Double(days) * 86_400)))
    }

    static func address(_ input: JSONObject) -> JSONObject { input["address"]?.objectValue ?? defaultAddress }

    static func oneLine(_ a: JSONObject) -> String {
        [a["line1"]?.stringValue, a["line2"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            + ", \(a["postal_code"]?.stringValue ?? "") \(a["city"]?.stringValue ?? "")"
    }

    private static func identityDocument(_ p: Person, _ input: JSONObject, _ now: Date) -> JSONObject {
        let type = input["type"]?.stringValue ?? "id_card"
        let country = type == "ita_ts_cns" ? "IT" : "FR"
        let number = "X4RTBPFW4"
        return [
            "first_name": .string(p.first), "birth_name": .string(p.last), "last_name": .string(p.last),
            "born_on": "1990-05-17", "birth_location": "Paris", "gender": "f",
            "full_address": .string(oneLine(address(input))), "type": .string(type), "issuing_country_code": .string(country),
            "issued_on": day(now, plusDays: -3 * 365), "expired_on": day(now, plusDays: 7 * 365),
            "document_number": .string(number), "mrz": mrz(p, type: type, number: number),
            "national_identification_number": .null,
        ]
    }

    /// A machine-readable zone shaped like the document's (TD1 three lines for cards, TD3 two
    /// lines for passports); check digits are not computed.
    private static func mrz(_ p: Person, type: String, number: String) -> JSONValue {
        func field(_ s: String) -> String {
            String(s.uppercased().map { ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? $0 : "<" })
        }
        func pad(_ s: String, _ n: Int) -> JSONValue { .string(String((s + String(repeating: "<", count: n)).prefix(n))) }
        let name = "\(field(p.last))<<\(field(p.first))"
        switch type {
        case "passport":
            return .object(["line1": pad("P<FRA\(name)", 44), "line2": pad("\(number)0FRA9005174F3201012", 44), "line3": .null])
        case "ita_ts_cns":
            return .object(nulls("line1", "line2", "line3"))
        default:
            let code = type == "residence_permit" ? "IR" : "ID"
            return .object(["line1": pad("\(code)FRA\(number)0", 30), "line2": pad("9005174F3201012FRA", 30), "line3": pad(name, 30)])
        }
    }

    private static func proofOfAddress(_ p: Person, _ input: JSONObject, _ now: Date) -> JSONObject {
        let a = address(input)
        return [
            "first_name": .string(p.first), "last_name": .string(p.last), "full_address": .string(oneLine(a)),
            "issued_on": day(now, plusDays: -20), "document_type": "energy_invoice",
            "2d_doc": .object([
                "full_name": .string(p.fullName.uppercased()),
                "address": .object(["line1": a["line1"] ?? .null, "postal_code": a["postal_code"] ?? .null,
                                    "city": a["city"] ?? .null, "country_code": "FR"]),
            ]),
        ]
    }

    /// Company data; nil input gives the all-null shape.
    private static func company(_ given: (input: JSONObject, now: Date)?) -> JSONObject {
        func v(_ value: JSONValue) -> JSONValue { given == nil ? .null : value }
        let input = given?.input ?? [:]
        let number = input["company_number"] ?? "123456789"
        let fromFile = input["from_file"] == .bool(true)
        let representative: JSONValue = .object([
            "title": "President", "type": "natural_person", "first_name": "Camille", "last_name": "Martin",
            "birth_name": .null, "born_on": "1980-05-17", "company_name": .null, "company_number": .null,
        ])
        return [
            "extracted_from_document": .object([
                "company_number": fromFile ? v(number) : .null,
                "issued_on": fromFile ? given.map { day($0.now, plusDays: -10) } ?? .null : .null,
            ]),
            "company_information": .object([
                "name": v(input["company_name"] ?? "Emulated Company SAS"), "trade_name": .null, "company_number": v(number),
                "partial_data": v(false), "required_document_type": .array([]),
                "legal_form": .object(["code": v("5710"), "description": v("SAS, société par actions simplifiée")]),
                "vat_number": v("FR00123456789"),
                "activities": .array(given == nil ? [] : [.object(["code": "62.01Z", "description": "Computer programming activities",
                                                                   "classification": "NAF"])]),
                "founded_on": v("2015-03-02"), "ceased_on": .null, "active": v(true),
                "commercial_registration": .object(["location": v(input["city"] ?? "Paris"), "registered_on": v("2015-03-02")]),
                "has_workforce": v(true),
            ]),
            "headquarter": .object([
                "address_line_1": v(input["street"] ?? "12 rue de la Paix"), "address_line_2": .null,
                "postal_code": v(input["zip_code"] ?? "75002"), "city": v(input["city"] ?? "Paris"),
                "country_code": v(input["country_code"] ?? "FR"),
            ]),
            "legal_representatives": .array(given == nil ? [] : [representative]),
        ]
    }

    /// Screening results: no hit (nil), a hit (`failed`), or a former exposure to review
    /// (`inconclusive`).
    private static func watchlist(hit: VerificationStatus?) -> JSONObject {
        let sources: JSONValue = .array([.object(["name": "Emulated screening list", "url": "https://example.org/screening"])])
        let position: JSONValue = .object([
            "title": "Member of Parliament", "active": .bool(hit == .failed), "country_code": "FR",
            "started_on": "2017-06-21", "ended_on": hit == .failed ? .null : "2022-06-21", "sources": sources,
        ])
        let record: JSONValue = .object([
            "description": "Asset freeze", "authority": "Emulated authority", "country_code": "FR", "active": true,
            "started_on": "2020-01-01", "ended_on": .null, "sources": sources,
        ])
        return [
            "politically_exposed_person": .object(["active": .bool(hit == .failed), "positions": .array(hit == nil ? [] : [position])]),
            "sanctions": .object(["active": .bool(hit == .failed), "records": .array(hit == .failed ? [record] : [])]),
        ]
    }
}
