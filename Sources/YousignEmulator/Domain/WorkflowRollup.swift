/// The status roll-up of API.md §4.3: resource → action → group → session. Statuses only flow
/// upward; precedence is blocked > done > ongoing > awaiting.
enum WorkflowRollup {
    /// One counted action: the latest attempt's status, and whether it was resolved.
    struct Action {
        var status: String
        var resolved: Bool
    }

    static func group(type: String, actions: [Action]) -> String {
        type == "signature_request" ? signatureGroup(actions) : verificationGroup(actions, success: type == "document_analysis" ? "done" : "verified")
    }

    /// SR group: deleted SRs are ignored; drafts alone are awaiting; one blocking SR blocks;
    /// all done, or some done and the rest draft, is done.
    static func signatureGroup(_ actions: [Action]) -> String {
        let counted = actions.map(\.status).filter { $0 != "deleted" }
        if counted.allSatisfy({ $0 == "draft" }) { return "awaiting" }
        if counted.contains(where: ResourceTypes.blockingSignatureStatuses.contains) { return "blocked" }
        if counted.allSatisfy({ $0 == "done" || $0 == "draft" }) { return "done" }
        return "ongoing"
    }

    /// Verification or analysis group: a resolved action counts as a success.
    static func verificationGroup(_ actions: [Action], success: String) -> String {
        if actions.isEmpty { return "awaiting" }
        let statuses = actions.map { $0.resolved ? success : $0.status }
        if statuses.contains(where: ResourceTypes.blockingVerificationStatuses.contains) { return "blocked" }
        if statuses.allSatisfy({ $0 == success }) { return "done" }
        return "ongoing"
    }

    static func session(_ groups: [String]) -> String {
        if groups.contains("blocked") { return "blocked" }
        if !groups.isEmpty && groups.allSatisfy({ $0 == "done" }) { return "done" }
        if groups.allSatisfy({ $0 == "awaiting" }) { return "awaiting" }
        return "ongoing"
    }

    /// Events for a status change of a group or session (`prefix` is `workflow_action_group` or
    /// `workflow_session`). A jump from awaiting straight to done fires `started` then `done` [I].
    static func events(prefix: String, from old: String, to new: String) -> [String] {
        guard old != new else { return [] }
        switch new {
        case "ongoing": return ["\(prefix).started"]
        case "blocked": return old == "awaiting" ? ["\(prefix).started", "\(prefix).blocked"] : ["\(prefix).blocked"]
        case "done": return old == "awaiting" ? ["\(prefix).started", "\(prefix).done"] : ["\(prefix).done"]
        default: return []
        }
    }
}
