import Foundation
import JSONCodec

/// A verification (or document analysis) a request asked for, validated but not yet stored.
struct NewVerification {
    let type: VerificationType
    /// `resource.type` of its workflow-session action.
    var resourceType: String
    var workspaceID: String?
    var sessionID: String?
    var previousAttemptID: String?
    var applicantID: String?
    /// Public fields beyond the shared ones (`face_recognition`, an analysis's `type`, ...).
    var fields: JSONObject = [:]
    /// What its result data is made from (names, IBAN, ...), kept as `_input`.
    var input: JSONObject = [:]
    var outcome: VerificationOutcome
    var files: [String: MultipartForm.File] = [:]
    /// Internal fields stored with it (`_pvid`, ...).
    var hidden: JSONObject = [:]

    init(_ type: VerificationType, outcome: VerificationOutcome) {
        self.type = type
        self.resourceType = type.resourceType
        self.outcome = outcome
    }

    static let sessionKeys: Set<String> = ["workspace_id", "workflow_session_id", "previous_attempt_id"]

    /// `workspace_id`, `workflow_session_id` and `previous_attempt_id`, shared by every variant
    /// but the applicant one.
    mutating func readSessionFields(_ r: inout BodyReader) {
        workspaceID = r.uuid("workspace_id")
        sessionID = r.uuid("workflow_session_id")
        previousAttemptID = r.uuid("previous_attempt_id")
    }

    /// The JSON `{"applicant_id": …}` variant (additionalProperties false).
    static func fromApplicant(_ type: VerificationType, _ body: JSONObject) throws -> NewVerification {
        var r = BodyReader(body)
        let applicantID = r.uuid("applicant_id", required: true)
        r.rejectUnknown(["applicant_id"])
        try r.check()
        var new = NewVerification(type, outcome: .stayPending)
        new.applicantID = applicantID
        return new
    }

    /// Sets an input value, leaving out absent ones.
    mutating func remember(_ key: String, _ value: String?) {
        if let value { input[key] = .string(value) }
    }
}

/// A POST body that may be JSON or multipart; the Content-Type picks the variant (§2.2).
enum VerificationBody {
    case json(JSONObject)
    case multipart(MultipartForm)

    static func read(_ c: RequestContext) throws -> VerificationBody {
        if c.isJSON { return .json(try c.jsonBody()) }
        if c.isMultipart { return .multipart(try c.form()) }
        throw APIError.unsupportedMediaType("application/json or multipart/form-data")
    }

    var form: MultipartForm? { if case .multipart(let f) = self { f } else { nil } }
    var json: JSONObject? { if case .json(let o) = self { o } else { nil } }
}

extension BodyReader {
    /// `prohibited_countries`: null, or at least one alpha-2 code in capitals.
    mutating func countryList(_ key: String) -> [String]? {
        guard let items = array(key) else { return nil }
        if items.isEmpty { problem(key, "This collection should contain 1 element or more."); return nil }
        let codes = items.compactMap(\.stringValue)
        if codes.count != items.count || codes.contains(where: { $0.range(of: "^[A-Z]{2}$", options: .regularExpression) == nil }) {
            problem(key, "Each value must be an ISO 3166-1 alpha-2 country code in capitals.")
            return nil
        }
        return codes
    }

    /// `min_age` / `max_age` (≥ 1, nullable); min above max is refused [I].
    mutating func ageRange() {
        let minAge = integer("min_age", in: 1...200)
        let maxAge = integer("max_age", in: 1...200)
        if let minAge, let maxAge, minAge > maxAge { problem("max_age", "This value should be greater than or equal to min_age.") }
    }

    /// A first and last name pair inside `key` (`natural_person`), each required.
    mutating func personNames(_ key: String, required: Bool, maxLength: Int = 255, strict: Bool) -> (first: String, last: String)? {
        guard var person = object(key, required: required) else { return nil }
        let first = person.string("first_name", required: true, max: maxLength)
        let last = person.string("last_name", required: true, max: maxLength)
        if strict { person.rejectUnknown(["first_name", "last_name"]) }
        merge(person)
        guard let first, let last else { return nil }
        return (first, last)
    }
}

/// What a verification started from an applicant (§4.5) can take from it: names, address,
/// bank account, company name.
enum ApplicantInput {
    static func of(_ applicant: JSONObject) -> JSONObject {
        var input: JSONObject = [:]
        let person = applicant["natural_person"]?.objectValue
        let company = applicant["legal_person"]?.objectValue
        if let identity = person?["identity"] {
            input["first_name"] = identity["first_name"]
            input["last_name"] = identity["last_name"]
        } else if let rep = company?["legal_representatives"]?[0] {
            input["first_name"] = rep["first_name"]
            input["last_name"] = rep["last_name"]
        }
        if let address = person?["address"], address != .null { input["address"] = address }
        if let bank = (person?["bank_account"] ?? company?["bank_account"]), bank != .null {
            input["iban"] = bank["iban"]
            input["bic"] = bank["bic"]
        }
        if let name = company?["company_name"] { input["company_name"] = name }
        return input.filter { $0.value != .null }
    }
}

/// IBAN checks beyond the spec's pattern for lookups, whose IBAN must be French [I]: the
/// SEPAmail DIAMOND network only covers French accounts.
enum IBAN {
    static let pattern = #"^([A-Z]{2}[ \-]?[0-9]{2})(?=(?:[ \-]?[A-Z0-9]){9,30}$)((?:[ \-]?[A-Z0-9]{3,5}){2,7})([ \-]?[A-Z0-9]{1,3})?$"#
    static let bicPattern = #"^[A-Z]{6,6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3,3}){0,1}$"#

    /// The ISO 13616 check digits (mod 97).
    static func isValid(_ iban: String) -> Bool {
        let s = iban.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "").uppercased()
        guard s.count >= 15, s.count <= 34, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        var remainder = 0
        for ch in s.dropFirst(4) + s.prefix(4) {
            let value = ch.isNumber ? Int(String(ch))! : Int(ch.asciiValue! - 55)
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        return remainder == 1
    }
}
