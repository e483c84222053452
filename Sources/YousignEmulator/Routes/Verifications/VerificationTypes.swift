/// One kind of verification of API.md §5 (or the document analyses of §5.3): everything that
/// differs between them in the shared lifecycle (create → pending/awaiting_data → final →
/// anonymized). Each is stored as kind `.verification` (or `.documentAnalysis`) with the path
/// segment in the internal `_type` field.
struct VerificationType: Sendable {
    /// The `/v3/verifications/{path}` segment, or `document_analyses`.
    let path: String
    let kind: ResourceKind
    /// `resource.type` of its workflow-session action (analyses derive theirs from the document type).
    let resourceType: String
    /// The webhook event of a final result, and the key of its `data` object.
    let event: String
    let dataKey: String
    /// `verified`, or `done` for analyses.
    let success: VerificationStatus
    /// The spec's status enum of the Full object.
    let statuses: [VerificationStatus]
    /// The `*Meta` schema's keys: list items carry exactly these.
    let metaKeys: [String]
    /// `status_codes` written for a failed or inconclusive result when none are chosen; nil when
    /// the type has no `status_codes` at all (companies, watchlists). The codes come from the
    /// spec's examples where it has them; `IDVV_1121`, `BALV_1102`, `DA_1002` and `DA_1100` are
    /// picked from the documented families [I].
    let defaultCodes: [VerificationStatus: [String]]?
    /// Stem of the §2.10 magic file names (`id_document_verification`), for the types whose
    /// uploaded file name picks the result.
    let magicStem: String?
    /// Extra list filters beyond `status[eq]` and `workspace_id[eq]`.
    let extraFilters: [String]

    var finalStatuses: [VerificationStatus] { [success, .failed, .inconclusive] }
    var hasStatusCodes: Bool { defaultCodes != nil }
    /// Whether the Full object has `applicant_id` (all but identity videos and watchlists).
    var hasApplicant: Bool { path != "identity_videos" && path != "watchlists" }

    /// What a final-result webhook carries: the meta fields the §5.1 example shows (and, for
    /// analyses, the document `type`) [I].
    var webhookKeys: [String] {
        let base = ["id", "workspace_id", "created_at", "updated_at", "status", "status_codes", "data_anonymized", "type"]
        return base.filter(metaKeys.contains)
    }
}

extension VerificationType {
    private static let common = ["id", "workspace_id", "created_at", "updated_at", "status"]
    private static let session = ["workflow_session_id", "previous_attempt_id"]
    private static let withApplicantStatuses: [VerificationStatus] = [.pending, .awaitingData, .verified, .failed, .inconclusive]
    private static let withoutApplicantStatuses: [VerificationStatus] = [.pending, .verified, .failed, .inconclusive]

    static let identityDocuments = VerificationType(
        path: "identity_documents", kind: .verification, resourceType: "identity_document_verification",
        event: "verification.identity_document.done", dataKey: "identity_document", success: .verified,
        statuses: withApplicantStatuses,
        metaKeys: common + ["status_codes", "data_anonymized"] + session + ["applicant_id"],
        defaultCodes: [.failed: ["IDDV_1706"], .inconclusive: ["IDDV_1103"]],
        magicStem: "id_document_verification", extraFilters: [])

    static let identityVideos = VerificationType(
        path: "identity_videos", kind: .verification, resourceType: "identity_video_verification",
        event: "verification.identity_video.done", dataKey: "identity_video", success: .verified,
        statuses: withoutApplicantStatuses,
        metaKeys: common + ["status_codes", "data_anonymized", "face_recognition"] + session,
        defaultCodes: [.failed: ["IDVV_1112"], .inconclusive: ["IDVV_1121"]],
        magicStem: nil, extraFilters: ["face_recognition", "pvid"])

    static let proofsOfAddress = VerificationType(
        path: "proofs_of_address", kind: .verification, resourceType: "proof_of_address_verification",
        event: "verification.proof_of_address.done", dataKey: "proof_of_address", success: .verified,
        statuses: withApplicantStatuses,
        metaKeys: common + ["status_codes", "data_anonymized"] + session + ["applicant_id"],
        defaultCodes: [.failed: ["POAV_1611"], .inconclusive: ["POAV_1612"]],
        magicStem: "proof_of_address_verification", extraFilters: [])

    static let companies = VerificationType(
        path: "companies", kind: .verification, resourceType: "company_verification",
        event: "verification.company.done", dataKey: "company", success: .verified,
        statuses: withApplicantStatuses,
        metaKeys: common + ["data_anonymized"] + session + ["applicant_id"],
        defaultCodes: nil, magicStem: nil, extraFilters: [])

    static let watchlists = VerificationType(
        path: "watchlists", kind: .verification, resourceType: "watchlist_verification",
        event: "verification.watchlist.done", dataKey: "watchlist", success: .verified,
        statuses: withoutApplicantStatuses,
        metaKeys: common + ["data_anonymized"] + session,
        defaultCodes: nil, magicStem: nil, extraFilters: [])

    static let bankAccounts = VerificationType(
        path: "bank_accounts", kind: .verification, resourceType: "bank_account_verification",
        event: "verification.bank_account.done", dataKey: "bank_account", success: .verified,
        statuses: withApplicantStatuses,
        metaKeys: common + ["status_codes", "data_anonymized"] + session + ["applicant_id"],
        defaultCodes: [.failed: ["BAV_1604"], .inconclusive: ["BAV_1611"]],
        magicStem: "bank_account_verification", extraFilters: [])

    /// The Full enum lacks `awaiting_data` but its Meta enum has it (§9.6); applicant-based lookups
    /// use it like every other applicant-based verification [I].
    static let bankAccountLookups = VerificationType(
        path: "bank_account_lookups", kind: .verification, resourceType: "bank_account_lookup_verification",
        event: "verification.bank_account_lookup.done", dataKey: "bank_account_lookup", success: .verified,
        statuses: withApplicantStatuses,
        metaKeys: common + ["status_codes", "data_anonymized"] + session,
        defaultCodes: [.failed: ["BALV_1101"], .inconclusive: ["BALV_1102"]],
        magicStem: "bank_account_lookup_verification", extraFilters: [])

    static let documentAnalyses = VerificationType(
        path: "document_analyses", kind: .documentAnalysis, resourceType: "document_analysis",
        event: "document_analysis.done", dataKey: "document_analysis", success: .done,
        statuses: [.pending, .awaitingData, .done, .inconclusive, .failed],
        metaKeys: ["id", "workspace_id"] + session + ["created_at", "updated_at", "status", "status_codes", "type",
                                                         "country_code", "data_anonymized", "analysis_type", "fraud_risk_analysis"],
        defaultCodes: [.failed: ["DA_1002"], .inconclusive: ["DA_1100"]],
        magicStem: nil, extraFilters: ["type", "workflow_session_id"])

    /// The seven `/v3/verifications/*` types.
    static let verifications: [VerificationType] = [
        identityDocuments, identityVideos, proofsOfAddress, companies, watchlists, bankAccounts, bankAccountLookups,
    ]

    /// A type by path segment (`document_analyses` included, for the control surface).
    static func named(_ path: String) -> VerificationType? {
        (verifications + [documentAnalyses]).first { $0.path == path }
    }
}
