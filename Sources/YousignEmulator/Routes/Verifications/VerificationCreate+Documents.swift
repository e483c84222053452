import Foundation
import JSONCodec

/// Request variants of the verifications that take a document upload (§5.1, §5.2): identity
/// documents, proofs of address and bank accounts. Each is multipart (the file name picks the
/// sandbox result, §2.10) or JSON `{applicant_id}`.
enum VerificationCreate {
    static let identityDocumentTypes = ["id_card", "passport", "residence_permit", "ita_ts_cns"]

    /// `InitiateIdentityDocument` (with names) or `InitiateIdentityDocumentWithoutName`: both
    /// names, or neither.
    static func identityDocument(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.identityDocuments
        let body = try VerificationBody.read(c)
        guard let form = body.form else { return try .fromApplicant(type, body.json ?? [:]) }
        var r = BodyReader(form.fields)
        let file = r.file(form, "file", required: true, rules: .identityImage)
        _ = r.file(form, "additional_file", rules: .identityImage)
        let withNames = r.has("first_name") || r.has("last_name")
        let first = r.string("first_name", required: withNames, max: 255)
        let last = r.string("last_name", required: withNames, max: 255)
        let documentType = r.enumeration("type", identityDocumentTypes)
        r.ageRange()
        _ = r.countryList("prohibited_countries")
        var new = NewVerification(type, outcome: VerificationMagic.fromFileName(file?.filename ?? "", type))
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["file", "additional_file", "first_name", "last_name", "type",
                                                           "min_age", "max_age", "prohibited_countries"]))
        r.rejectUnknownFiles(form, ["file", "additional_file"])
        try r.check()
        new.files = form.files
        new.remember("first_name", first)
        new.remember("last_name", last)
        new.remember("type", documentType)
        return new
    }

    /// `InitiateProofOfAddress`: the file, and optionally who and where the document should name.
    static func proofOfAddress(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.proofsOfAddress
        let body = try VerificationBody.read(c)
        guard let form = body.form else { return try .fromApplicant(type, body.json ?? [:]) }
        var r = BodyReader(form.fields)
        let file = r.file(form, "file", required: true, rules: .identityImage)
        var new = NewVerification(type, outcome: VerificationMagic.fromFileName(file?.filename ?? "", type))
        if var person = r.object("natural_person") {
            new.remember("first_name", person.string("first_name", max: 255))
            new.remember("last_name", person.string("last_name", max: 255))
            if var address = person.object("address") {
                let line1 = address.string("line1", required: true, max: 500)
                let line2 = address.string("line2", max: 500)
                let postal = address.string("postal_code", required: true, max: 10)
                let city = address.string("city", required: true, max: 200)
                address.rejectUnknown(["line1", "line2", "postal_code", "city"])
                person.merge(address)
                if let line1, let postal, let city {
                    new.input["address"] = .object(["line1": .string(line1), "line2": line2.map(JSONValue.string) ?? .null,
                                                    "postal_code": .string(postal), "city": .string(city)])
                }
            }
            person.rejectUnknown(["first_name", "last_name", "address"])
            r.merge(person)
        }
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["file", "natural_person"]))
        r.rejectUnknownFiles(form, ["file"])
        try r.check()
        new.files = form.files
        return new
    }

    /// `InitiateBankAccount`, `…WithNaturalPerson` or `…WithLegalPerson` (one holder at most).
    static func bankAccount(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.bankAccounts
        let body = try VerificationBody.read(c)
        guard let form = body.form else { return try .fromApplicant(type, body.json ?? [:]) }
        var r = BodyReader(form.fields)
        let file = r.file(form, "file", required: true, rules: .identityImage)
        var new = NewVerification(type, outcome: VerificationMagic.fromFileName(file?.filename ?? "", type))
        new.remember("iban", r.string("iban", min: 14, max: 34, pattern: IBAN.pattern))
        new.remember("bic", r.string("bic", min: 8, max: 11, pattern: IBAN.bicPattern))
        if r.has("natural_person") && r.has("legal_person") {
            r.problem("legal_person", "Send natural_person or legal_person, not both.")
        }
        if var person = r.object("natural_person") {
            new.remember("first_name", person.string("first_name", max: 255))
            new.remember("last_name", person.string("last_name", max: 255))
            person.rejectUnknown(["first_name", "last_name"])
            r.merge(person)
        }
        if var company = r.object("legal_person") {
            new.remember("company_name", company.string("name", max: 128))
            company.rejectUnknown(["name"])
            r.merge(company)
        }
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["file", "iban", "bic", "natural_person", "legal_person"]))
        r.rejectUnknownFiles(form, ["file"])
        try r.check()
        new.files = form.files
        return new
    }
}
