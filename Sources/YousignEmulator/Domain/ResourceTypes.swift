/// Action resource types (API.md §4.1) and where each lives in the store.
enum ResourceTypes {
    /// `resource.type` → action group type.
    static func group(of resourceType: String) -> String? {
        switch resourceType {
        case "signature_request": return "signature_request"
        case "identity_document_verification", "identity_video_verification": return "identity_verification"
        case "proof_of_address_verification": return "proof_of_address_verification"
        case "company_verification": return "company_verification"
        case "watchlist_verification": return "watchlist_verification"
        case "bank_account_verification", "bank_account_connection_verification", "bank_account_lookup_verification":
            return "bank_account_verification"
        default: return resourceType.hasSuffix("_document_analysis") ? "document_analysis" : nil
        }
    }

    /// Where a resource of this type is stored.
    static func kind(of resourceType: String) -> ResourceKind {
        if resourceType == "signature_request" { return .signatureRequest }
        if resourceType.hasSuffix("_document_analysis") { return .documentAnalysis }
        return .verification
    }

    /// The 18 types `resolve_action` accepts (every type but signature_request).
    static let resolvable: [String] = [
        "identity_document_verification", "identity_video_verification", "proof_of_address_verification",
        "company_verification", "watchlist_verification", "bank_account_verification",
        "bank_account_connection_verification", "bank_account_lookup_verification",
        "social_security_document_analysis", "company_certificate_document_analysis",
        "business_registration_certificate_document_analysis", "driver_licence_document_analysis",
        "rne_certificate_document_analysis", "temporary_vehicle_registration_document_analysis",
        "vehicle_registration_document_analysis", "auto_insurance_claims_history_document_analysis",
        "payslip_document_analysis", "invoice_document_analysis",
    ]

    static let blockingSignatureStatuses: Set<SignatureRequestStatus> = [.expired, .canceled, .rejected, .declined]
    static let blockingVerificationStatuses: Set<VerificationStatus> = [.failed, .inconclusive]
    static let maxActionsPerGroup = 10
}
