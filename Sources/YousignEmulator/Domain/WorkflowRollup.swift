/// The status roll-up of API.md §4.3: resource → action → group → session. Statuses only flow
/// upward; precedence is blocked > done > ongoing > awaiting.
enum WorkflowRollup {
    /// One counted action: the latest attempt's status (a signature request's or a
    /// verification's, `deleted` when it is gone), and whether it was resolved.
    struct Action {
        var status: String
        var resolved: Bool
    }

    static func group(type: String, actions: [Action]) -> WorkflowStatus {
        type == "signature_request" ? signatureGroup(actions) : verificationGroup(actions, success: type == "document_analysis" ? .done : .verified)
    }

    /// SR group: deleted SRs are ignored; drafts alone are awaiting; one blocking SR blocks;
    /// all done, or some done and the rest draft, is done.
    static func signatureGroup(_ actions: [Action]) -> WorkflowStatus {
        let counted = actions.map { SignatureRequestStatus(rawValue: $0.status) }.filter { $0 != .deleted }
        if counted.allSatisfy({ $0 == .draft }) { return .awaiting }
        if counted.contains(where: { $0.map(ResourceTypes.blockingSignatureStatuses.contains) ?? false }) { return .blocked }
        if counted.allSatisfy({ $0 == .done || $0 == .draft }) { return .done }
        return .ongoing
    }

    /// Verification or analysis group: a resolved action counts as a success.
    static func verificationGroup(_ actions: [Action], success: VerificationStatus) -> WorkflowStatus {
        if actions.isEmpty { return .awaiting }
        let statuses = actions.map { $0.resolved ? success : VerificationStatus(rawValue: $0.status) }
        if statuses.contains(where: { $0.map(ResourceTypes.blockingVerificationStatuses.contains) ?? false }) { return .blocked }
        if statuses.allSatisfy({ $0 == success }) { return .done }
        return .ongoing
    }

    static func session(_ groups: [WorkflowStatus]) -> WorkflowStatus {
        if groups.contains(.blocked) { return .blocked }
        if !groups.isEmpty && groups.allSatisfy({ $0 == .done }) { return .done }
        if groups.allSatisfy({ $0 == .awaiting }) { return .awaiting }
        return .ongoing
    }

    /// Events for a status change of a group or session (`prefix` is `workflow_action_group` or
    /// `workflow_session`). A jump from awaiting straight to done fires `started` then `done` [I].
    static func events(prefix: String, from old: WorkflowStatus, to new: WorkflowStatus) -> [String] {
        guard old != new else { return [] }
        switch new {
        case .ongoing: return ["\(prefix).started"]
        case .blocked: return old == .awaiting ? ["\(prefix).started", "\(prefix).blocked"] : ["\(prefix).blocked"]
        case .done: return old == .awaiting ? ["\(prefix).started", "\(prefix).done"] : ["\(prefix).done"]
        case .awaiting: return []
        }
    }
}
