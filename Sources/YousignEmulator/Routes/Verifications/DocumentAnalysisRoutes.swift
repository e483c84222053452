import Foundation
import JSONCodec
import YousignWire

/// Document analyses (§5.3): `POST` (multipart by document type, or JSON `{applicant_id}`),
/// `GET` one and the list. They share the verifications' lifecycle; success is `done` and the
/// webhook `document_analysis.done`. The file name carries the emulator's magic [I]: a name
/// starting with `failed`, `inconclusive` or `pending` gives that result, any other `done`.
enum DocumentAnalysisRoutes {
    static let type = VerificationType.documentAnalyses

    static func register(_ r: inout Router) {
        r.get("/v3/document_analyses") { c in try VerificationRoutes.list(c, type) }
        r.post("/v3/document_analyses") { c in try VerificationLifecycle.create(&c, try create(c)) }
        r.get("/v3/document_analyses/{documentAnalysisId}") { c in
            Responses.json(200, publicBody(try VerificationRoutes.find(c, type, param: "documentAnalysisId")))
        }
    }

    static func create(_ c: RequestContext) throws -> NewVerification {
        let body = try VerificationBody.read(c)
        guard let form = body.form else { return try fromApplicant(body.json ?? [:]) }
        var r = BodyReader(form.fields)
        let request = readAnalysis(&r, extraction: { $0.enumeration("extraction", ["true", "false"]).map { $0 == "true" } })
        let file = r.file(form, "file", required: true, rules: request.rules)
        var new = NewVerification(type, outcome: VerificationMagic.fromWord(file?.filename, type))
        if let kind = request.kind {
            new.input["checks"] = r.analysisChecks(kind).map(JSONValue.object)
        } else if r.has("checks") {
            r.problem("checks", "A fraud-only analysis takes no checks.")
        }
        new.readSessionFields(&r)
        r.rejectUnknown(NewVerification.sessionKeys.union(["file", "type", "country_code", "analysis_type", "checks"]))
        r.rejectUnknownFiles(form, ["file"])
        try r.check()
        new.files = form.files
        return describe(new, request)
    }

    /// `InitiateDocumentAnalysisFromApplicant`: waits in awaiting_data for the applicant's upload.
    static func fromApplicant(_ json: JSONObject) throws -> NewVerification {
        var r = BodyReader(json)
        let applicantID = r.uuid("applicant_id", required: true)
        let request = readAnalysis(&r, extraction: { $0.bool("extraction") })
        if var checks = r.object("checks") {
            if var year = checks.object("income_year_check") {
                _ = year.integer("income_year", required: true, in: 1900...9999)
                year.rejectUnknown(["income_year"])
                checks.merge(year)
            }
            checks.rejectUnknown(["income_year_check"])
            r.merge(checks)
        }
        r.rejectUnknown(["applicant_id", "type", "analysis_type", "country_code", "checks"])
        try r.check()
        var new = NewVerification(type, outcome: .stayPending)
        new.applicantID = applicantID
        if let checks = json["checks"], checks != .null { new.input["checks"] = checks }
        return describe(new, request)
    }

    /// What both variants say about the analysis itself.
    struct AnalysisRequest {
        var kind: DocumentAnalysisKind?
        var extraction: Bool
        var fraudLevel: String?
        var country: String?

        /// The file limits: the type's, or the fraud-only ones.
        var rules: UploadRules { kind?.rules ?? (extraction ? .analysis : .fraudOnly) }
    }

    /// `type`, `analysis_type` and `country_code`, with their rules: a type unless fraud-only
    /// (`extraction` false, which needs `fraud_level: advanced` and no type); no fraud detection
    /// for tax notices; a country only for the types that take one, and then required.
    static func readAnalysis(_ r: inout BodyReader, extraction read: (inout BodyReader) -> Bool?) -> AnalysisRequest {
        var extraction = true
        var fraudLevel: String?
        if var analysis = r.object("analysis_type") {
            extraction = read(&analysis) ?? true
            fraudLevel = analysis.enumeration("fraud_level", ["none", "advanced"])
            analysis.rejectUnknown(["extraction", "fraud_level"])
            r.merge(analysis)
        }
        let typeName = r.enumeration("type", DocumentAnalysisKind.all.map(\.name), required: extraction)
        var request = AnalysisRequest(kind: DocumentAnalysisKind.named(typeName), extraction: extraction, fraudLevel: fraudLevel)
        if !extraction {
            if r.has("type") { r.problem("type", "A fraud-only analysis (extraction false) takes no type.") }
            if fraudLevel != "advanced" {
                r.problem("analysis_type[fraud_level]", "A fraud-only analysis (extraction false) needs fraud_level advanced.")
            }
        }
        if typeName == "tax_notice", fraudLevel == "advanced" {
            r.problem("analysis_type[fraud_level]", "Fraud detection is not available for tax_notice.")
        }
        let countries = request.kind?.countries ?? []
        if countries.isEmpty {
            if r.has("country_code") && !r.isNull("country_code") { r.problem("country_code", "This field was not expected for this document type.") }
        } else {
            request.country = r.enumeration("country_code", countries, required: true)
        }
        // a fraud-only analysis has no document type (its country rules above still apply to a stray type)
        if !extraction { request.kind = nil }
        return request
    }

    /// The analysis's own fields: document type (null for fraud-only), country, analysis type,
    /// and the all-null extraction of its type.
    static func describe(_ new: NewVerification, _ request: AnalysisRequest) -> NewVerification {
        var new = new
        let name = request.kind?.name
        new.resourceType = (request.kind ?? .fraudOnly).resourceType
        new.fields["type"] = name.map(JSONValue.string) ?? .null
        new.fields["country_code"] = request.country.map(JSONValue.string) ?? .null
        new.fields["analysis_type"] = .object(["extraction": .bool(request.extraction),
                                               "fraud_level": request.fraudLevel.map(JSONValue.string) ?? .null])
        new.fields["fraud_risk_analysis"] = .null
        if let name {
            new.fields["extracted_from_document"] = .object(DocumentAnalysisData.skeleton(name, country: request.country))
            new.fields["checks"] = .null
        }
        return new
    }
}
