import Foundation
import JSONCodec

/// Request variants of identity videos, companies, watchlists and bank account lookups (§5.2).
extension VerificationCreate {
    static let videoDocumentTypes = ["id_card", "passport", "residence_permit", "driver_license", "travel_document"]
    static let companyCountries = ["FR", "GB", "BE", "CH", "NL", "ES", "LU", "IT", "DE"]
    /// Company fields the spec accepts for German companies only.
    static let germanOnlyFields = ["company_name", "zip_code", "street", "city", "register_court"]

    /// `InitiateIdentityVideo` (JSON only). The last name carries the emulator's magic [I]:
    /// `Failed…`, `Inconclusive…` or `Pending…` (a HumanName cannot hold the file-name scheme).
    static func identityVideo(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.identityVideos
        var r = BodyReader(try c.jsonBody())
        let first = r.string("first_name", required: true, max: 255, format: .humanName)
        let last = r.string("last_name", required: true, max: 255, format: .humanName)
        _ = r.string("redirection_url", required: true, max: 2000, format: .url)
        let faceRecognition = r.bool("face_recognition") ?? false
        let pvid = r.bool("pvid") ?? false
        r.ageRange()
        _ = r.countryList("prohibited_countries")
        _ = r.string("pre_selected_residence_country_code", max: 2, pattern: "^[A-Z]{2}$")
        let issuing = r.string("pre_selected_document_issuing_country_code", max: 2, pattern: "^[A-Z]{2}$")
        let documentType = r.enumeration("pre_selected_document_type", videoDocumentTypes)
        _ = r.string("pre_selected_locale", max: 2, pattern: "^[a-z]{2}$")
        var new = NewVerification(type, outcome: VerificationMagic.fromWord(last, type))
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union([
            "first_name", "last_name", "redirection_url", "face_recognition", "pvid", "min_age", "max_age",
            "prohibited_countries", "pre_selected_residence_country_code", "pre_selected_document_issuing_country_code",
            "pre_selected_document_type", "pre_selected_locale",
        ]))
        try r.check()
        new.fields["face_recognition"] = .bool(faceRecognition)
        // pvid is a list filter but not a field of the object
        new.hidden["_pvid"] = .bool(pvid)
        new.remember("first_name", first)
        new.remember("last_name", last)
        new.remember("type", documentType)
        new.remember("issuing_country_code", issuing)
        return new
    }

    /// `InitiateCompanyFromJson`, `InitiateCompanyFromApplicant` or `InitiateCompanyFromFile` (a
    /// Kbis PDF). The company number (or the file name) carries the emulator's magic [I].
    static func company(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.companies
        let body = try VerificationBody.read(c)
        if let form = body.form {
            var r = BodyReader(form.fields)
            let file = r.file(form, "file", required: true, rules: .pdfOnly)
            let country = r.enumeration("country_code", ["FR"], required: true)
            var new = NewVerification(type, outcome: VerificationMagic.fromWord(file?.filename, type))
            new.readSessionFields(&r)
            try r.check()
            new.files = form.files.filter { $0.key == "file" }
            new.remember("country_code", country)
            new.input["from_file"] = true
            return new
        }
        let json = body.json ?? [:]
        if json["applicant_id"] != nil { return try .fromApplicant(type, json) }
        var r = BodyReader(json)
        let number = r.string("company_number", required: true, max: 255)
        let country = r.enumeration("country_code", companyCountries, required: true)
        var new = NewVerification(type, outcome: VerificationMagic.fromWord(number, type))
        var german: [String: String] = [:]
        for key in germanOnlyFields {
            if let value = r.string(key, max: key == "zip_code" ? 10 : 255, format: .safe) { german[key] = value }
        }
        if let country, country != "DE" {
            for key in germanOnlyFields where r.has(key) && !r.isNull(key) { r.problem(key, "This field is accepted for DE companies only.") }
        }
        if country == "DE", !r.has("company_name") || r.isNull("company_name") {
            r.problem("company_name", "This field is required for DE companies.")
        }
        new.readSessionFields(&r)
        try r.check()
        new.remember("company_number", number)
        new.remember("country_code", country)
        for (key, value) in german { new.input[key] = .string(value) }
        return new
    }

    /// `InitiateWatchlist`: the person to screen. The last name carries the emulator's magic [I].
    static func watchlist(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.watchlists
        var r = BodyReader(try c.jsonBody())
        var person = r.object("natural_person", required: true)
        let first = person?.string("first_name", required: true, max: 255)
        let last = person?.string("last_name", required: true, max: 255)
        let born = person?.string("born_on", required: true, max: 10, format: .date)
        r.merge(person)
        var new = NewVerification(type, outcome: VerificationMagic.fromWord(last, type))
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["natural_person"]))
        try r.check()
        new.remember("first_name", first)
        new.remember("last_name", last)
        new.remember("born_on", born)
        return new
    }

    /// `InitiateBankAccountLookupWithNaturalPerson` (JSON, the IBAN picks the result),
    /// `…FromApplicant`, or `…WithNaturalPersonFromFile` (multipart PDF).
    static func bankAccountLookup(_ c: RequestContext) throws -> NewVerification {
        let type = VerificationType.bankAccountLookups
        let body = try VerificationBody.read(c)
        if let form = body.form {
            var r = BodyReader(form.fields)
            let file = r.file(form, "file", required: true, rules: .pdfOnly)
            let names = r.personNames("natural_person", required: true, strict: false)
            var new = NewVerification(type, outcome: VerificationMagic.fromFileName(file?.filename ?? "", type))
            new.readSessionFields(&r)
            r.rejectUnknown(NewVerification.sessionKeys.union(["file", "natural_person"]))
            r.rejectUnknownFiles(form, ["file"])
            try r.check()
            new.files = form.files
            new.remember("first_name", names?.first)
            new.remember("last_name", names?.last)
            return new
        }
        let json = body.json ?? [:]
        if json["applicant_id"] != nil { return try .fromApplicant(type, json) }
        var r = BodyReader(json)
        let iban = r.string("iban", required: true, max: 34)
        if let iban, !(iban.uppercased().hasPrefix("FR") && IBAN.isValid(iban)) {
            r.problem("iban", "This value must be a valid French IBAN.")
        }
        let names = r.personNames("natural_person", required: true, strict: false)
        var new = NewVerification(type, outcome: VerificationMagic.fromIBAN(iban ?? "", type))
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["iban", "natural_person"]))
        try r.check()
        new.remember("iban", iban?.replacingOccurrences(of: " ", with: "").uppercased())
        new.remember("first_name", names?.first)
        new.remember("last_name", names?.last)
        return new
    }
}
