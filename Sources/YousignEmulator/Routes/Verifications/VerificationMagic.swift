import Foundation
import JSONCodec

/// The result a new verification will reach: a final status (with its codes, and whether its data
/// is anonymized at once), or `pending`, which stays pending until the control surface completes it.
struct VerificationOutcome: Equatable, Sendable {
    var status: VerificationStatus
    var statusCodes: [String]
    var anonymized: Bool

    static func final(_ status: VerificationStatus, _ type: VerificationType, anonymized: Bool = false) -> VerificationOutcome {
        VerificationOutcome(status: status, statusCodes: type.defaultCodes?[status] ?? [], anonymized: anonymized)
    }

    static let stayPending = VerificationOutcome(status: .pending, statusCodes: [], anonymized: false)

    var json: JSONValue {
        .object(["status": status.json, "status_codes": .array(statusCodes.map(JSONValue.string)), "anonymized": .bool(anonymized)])
    }

    init(status: VerificationStatus, statusCodes: [String], anonymized: Bool) {
        self.status = status
        self.statusCodes = statusCodes
        self.anonymized = anonymized
    }

    init?(_ json: JSONValue?) {
        guard let status = json?["status"]?.stringValue.flatMap(VerificationStatus.init(rawValue:)) else { return nil }
        self.init(status: status, statusCodes: json?["status_codes"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  anonymized: json?["anonymized"]?.boolValue ?? false)
    }
}

/// Sandbox magic values (API.md §2.10): what picks a verification's result.
enum VerificationMagic {
    /// The result prefixes of the magic file names, in the docs' order.
    static let filePrefixes: [(prefix: String, status: VerificationStatus, anonymized: Bool)] = [
        ("pending", .pending, false), ("verified", .verified, false), ("verified_anonymized", .verified, true),
        ("failed", .failed, false), ("failed_anonymized", .failed, true),
        ("inconclusive", .inconclusive, false), ("inconclusive_anonymized", .inconclusive, true),
    ]
    static let fileExtensions = ["pdf", "jpg", "jpeg", "png"]

    /// Identity documents, proofs of address, bank accounts (and, by the same scheme [I], bank
    /// account lookups from a file): `<result>_<stem>.<ext>` picks the result; any other name fails.
    /// Names are compared without regard to case [I].
    static func fromFileName(_ filename: String, _ type: VerificationType) -> VerificationOutcome {
        let name = filename.lowercased()
        if let stem = type.magicStem {
            for entry in filePrefixes {
                for ext in fileExtensions where name == "\(entry.prefix)_\(stem).\(ext)" {
                    return entry.status == .pending ? .stayPending : .final(entry.status, type, anonymized: entry.anonymized)
                }
            }
        }
        return .final(.failed, type)
    }

    /// Bank account lookup IBANs of the sandbox docs.
    static let ibans: [(iban: String, status: VerificationStatus)] = [
        ("FR7630004005506782866644202", .verified), ("FR7630004005502665041815088", .inconclusive),
        ("FR7630004005503221042773459", .failed), ("FR7630004005500629197018546", .pending),
    ]

    /// A lookup's result by IBAN (spaces ignored); any other IBAN fails [I], as other file names do.
    static func fromIBAN(_ iban: String, _ type: VerificationType) -> VerificationOutcome {
        let compact = iban.replacingOccurrences(of: " ", with: "").uppercased()
        guard let status = ibans.first(where: { $0.iban == compact })?.status else { return .final(.failed, type) }
        return status == .pending ? .stayPending : .final(status, type)
    }

    static let wordPrefixes: [VerificationStatus] = [.pending, .failed, .inconclusive]

    /// The emulator's own magic for the types the sandbox docs say nothing about [I]: a value that
    /// starts with `failed`, `inconclusive` or `pending` (any case) picks that result; anything
    /// else succeeds.
    static func fromWord(_ value: String?, _ type: VerificationType) -> VerificationOutcome {
        let lower = (value ?? "").lowercased()
        guard let word = wordPrefixes.first(where: { lower.hasPrefix($0.rawValue) }) else { return .final(type.success, type) }
        return word == .pending ? .stayPending : .final(word, type)
    }
}

/// Every magic value of the emulator and what it does, served at `GET /_emulator/scenarios`.
enum Scenarios {
    static let all: JSONValue = .object([
        "verifications": .array(VerificationType.verifications.map(entry) + [entry(.documentAnalyses)]),
        "applicant_based": .string("A JSON {\"applicant_id\"} creation waits in awaiting_data until it is completed through the control surface."),
        "complete": .string("POST /_emulator/verifications/{type}/{id}/complete {\"status\": <final status>, \"status_codes\": [...]} finishes a pending or awaiting_data verification (type: the /v3/verifications path segment, or document_analyses)."),
        "delay": .string("With a verification delay configured, a verification that would be final at once is pending in the create response and reaches its result that many seconds later on the emulator clock."),
    ])

    private static func entry(_ type: VerificationType) -> JSONValue {
        var e: JSONObject = ["type": .string(type.path), "success_status": type.success.json]
        switch type.path {
        case "bank_account_lookups":
            e["field"] = "iban (JSON); the file name (multipart)"
            e["values"] = .array(VerificationMagic.ibans.map { .object(["value": .string($0.iban), "status": $0.status.json]) }
                                 + fileValues(type))
            e["otherwise"] = VerificationStatus.failed.json
        case _ where type.magicStem != nil:
            e["field"] = "file (its file name; ext is pdf, jpg, jpeg or png)"
            e["values"] = .array(fileValues(type))
            e["otherwise"] = VerificationStatus.failed.json
        default:
            e["field"] = .string(wordField(type.path))
            e["values"] = .array(VerificationMagic.wordPrefixes.map {
                .object(["value": .string("starts with \($0) (any case)"), "status": $0.json])
            })
            e["otherwise"] = type.success.json
        }
        return .object(e)
    }

    private static func fileValues(_ type: VerificationType) -> [JSONValue] {
        VerificationMagic.filePrefixes.map {
            .object(["value": .string("\($0.prefix)_\(type.magicStem!).<ext>"), "status": $0.status.json,
                     "data_anonymized": .bool($0.anonymized)])
        }
    }

    private static func wordField(_ path: String) -> String {
        switch path {
        case "companies": return "company_number (JSON); the file name (multipart)"
        case "watchlists": return "natural_person.last_name"
        case "identity_videos": return "last_name"
        default: return "the file name"
        }
    }
}
