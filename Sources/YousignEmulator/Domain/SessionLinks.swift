import Foundation
import JSONCodec

/// How resources join a workflow session (API.md §4.2, §4.4) and how the session follows their
/// statuses. Signature requests, verifications and analyses call `prepare` before they store a
/// new resource, `attach` after, and `resourceChanged` whenever its status changes.
enum SessionLinks {
    struct Link {
        var sessionID: String
        var groupIndex: Int
        /// The blocked attempt this one replaces, when it is a retry.
        var previousAttemptID: String?
        var resourceType: String
    }

    /// Checks `workflow_session_id` / `previous_attempt_id` for a new resource of `resourceType`.
    /// Returns nil when the resource joins no session.
    static func prepare(_ context: RequestContext, sessionID: String?, previousAttemptID: String?,
                        resourceType: String) throws -> Link? {
        guard let sessionID else {
            if previousAttemptID != nil {
                throw APIError.validation("previous_attempt_id", "A previous attempt needs a workflow_session_id.")
            }
            return nil
        }
        guard let session = try context.db.resource(.session, sessionID) else {
            throw APIError.validation("workflow_session_id", "Workflow session not found.")
        }
        guard let groupType = ResourceTypes.group(of: resourceType),
              let groupIndex = groups(session).firstIndex(where: { $0["type"]?.stringValue == groupType }) else {
            throw APIError.badRequest("workflow_session.action_group_not_found",
                                      "The workflow session has no action group for a \(resourceType).")
        }
        let actions = groups(session)[groupIndex]["actions"]?.arrayValue ?? []
        if let previousAttemptID {
            guard let action = actions.first(where: { $0["resource"]?["id"]?.stringValue == previousAttemptID }) else {
                let older = actions.contains { ($0["previous_attempts"]?.arrayValue ?? []).contains { $0["resource"]?["id"]?.stringValue == previousAttemptID } }
                throw APIError.validation("previous_attempt_id", older
                    ? "This attempt is not the latest one of its action; retry the latest attempt."
                    : "This attempt is not part of the workflow session.")
            }
            let type = action["resource"]?["type"]?.stringValue ?? ""
            guard type == resourceType else {
                throw APIError.validation("previous_attempt_id", "The previous attempt is a \(type), not a \(resourceType).")
            }
            let status = try currentStatus(context, type: type, id: previousAttemptID)
            let blocking = type == "signature_request" ? ResourceTypes.blockingSignatureStatuses.map(\.rawValue)
                : ResourceTypes.blockingVerificationStatuses.map(\.rawValue)
            guard blocking.contains(status), action["resolution"] == nil || action["resolution"] == .null else {
                throw APIError.validation("previous_attempt_id", "Only a blocked attempt (\(blocking.sorted().joined(separator: ", "))) can be retried; this one is \(status).")
            }
        } else if actions.count >= ResourceTypes.maxActionsPerGroup {
            throw APIError.badRequest("workflow_session.too_many_actions",
                                      "An action group holds at most \(ResourceTypes.maxActionsPerGroup) actions.")
        }
        return Link(sessionID: sessionID, groupIndex: groupIndex, previousAttemptID: previousAttemptID, resourceType: resourceType)
    }

    /// Records the new resource in its session: a new action, or the new attempt of a retried one.
    static func attach(_ context: inout RequestContext, _ link: Link, resourceID: String, createdAt: String) throws {
        guard var session = try context.db.resource(.session, link.sessionID) else { return }
        var groups = self.groups(session)
        var group = groups[link.groupIndex]
        var actions = group["actions"]?.arrayValue ?? []
        let resource: JSONValue = .object([
            "id": .string(resourceID), "created_at": .string(createdAt), "type": .string(link.resourceType),
            "status": .string(try currentStatus(context, type: link.resourceType, id: resourceID)),
            "previous_attempt_id": link.previousAttemptID.map(JSONValue.string) ?? .null,
        ])
        if let previous = link.previousAttemptID, let i = actions.firstIndex(where: { $0["resource"]?["id"]?.stringValue == previous }) {
            var action = actions[i].objectValue ?? [:]
            var older = action["previous_attempts"]?.arrayValue ?? []
            older.insert(.object(["resource": action["resource"] ?? .null]), at: 0)
            action["previous_attempts"] = .array(older)
            action["resource"] = resource
            action["resolution"] = .null
            actions[i] = .object(action)
        } else {
            actions.append(.object(["resource": resource, "resolution": .null, "previous_attempts": .array([])]))
        }
        group["actions"] = .array(actions)
        groups[link.groupIndex] = group
        session["action_groups"] = .array(groups.map(JSONValue.object))
        try context.db.saveResource(.session, link.sessionID, session)
        try refresh(&context, sessionID: link.sessionID)
    }

    /// A linked resource changed status: its session follows.
    static func resourceChanged(_ context: inout RequestContext, kind: ResourceKind, id: String) throws {
        guard let body = try context.db.resource(kind, id) else { return }
        if let applicantID = body["applicant_id"]?.stringValue { try applicantProgress(&context, applicantID: applicantID) }
        guard let sessionID = body["workflow_session_id"]?.stringValue else { return }
        try refresh(&context, sessionID: sessionID)
    }

    /// An applicant is `processed` once every verification started for them is final.
    static func applicantProgress(_ context: inout RequestContext, applicantID: String) throws {
        guard var applicant = try context.db.resource(.applicant, applicantID), applicant.status(ApplicantStatus.self) != .processed else { return }
        let theirs = try (context.db.resources(.verification) + context.db.resources(.documentAnalysis))
            .map(\.body).filter { $0["applicant_id"]?.stringValue == applicantID }
        let open: Set<VerificationStatus> = [.pending, .awaitingData]
        guard !theirs.isEmpty, theirs.allSatisfy({ !open.contains($0.status(VerificationStatus.self) ?? .pending) }) else { return }
        applicant.setStatus(ApplicantStatus.processed)
        applicant["updated_at"] = .string(context.timestamp)
        try context.db.saveResource(.applicant, applicantID, applicant)
        context.emit("applicant.processed", workspace: nil, ["applicant": publicBody(applicant)])
    }

    /// Recomputes every action, group and the session from the live resources; emits the
    /// workflow events of each transition and saves.
    static func refresh(_ context: inout RequestContext, sessionID: String) throws {
        guard var session = try context.db.resource(.session, sessionID) else { return }
        let oldSession = session.status(WorkflowStatus.self) ?? .awaiting
        var groups = self.groups(session)
        var transitions: [String] = []
        for i in groups.indices {
            var group = groups[i]
            let type = group["type"]?.stringValue ?? ""
            var actions = group["actions"]?.arrayValue ?? []
            var counted: [WorkflowRollup.Action] = []
            for j in actions.indices {
                var action = actions[j].objectValue ?? [:]
                action["resource"] = try refreshed(context, action["resource"])
                action["previous_attempts"] = .array(try (action["previous_attempts"]?.arrayValue ?? []).map { attempt in
                    .object(["resource": try refreshed(context, attempt["resource"])])
                })
                actions[j] = .object(action)
                counted.append(.init(status: action["resource"]?["status"]?.stringValue ?? "",
                                     resolved: action["resolution"].map { $0 != .null } ?? false))
            }
            group["actions"] = .array(actions)
            let old = group.status(WorkflowStatus.self) ?? .awaiting
            let new = WorkflowRollup.group(type: type, actions: counted)
            group.setStatus(new)
            transitions += WorkflowRollup.events(prefix: "workflow_action_group", from: old, to: new)
            groups[i] = group
        }
        session["action_groups"] = .array(groups.map(JSONValue.object))
        let newSession = WorkflowRollup.session(groups.map { $0.status(WorkflowStatus.self) ?? .awaiting })
        session.setStatus(newSession)
        transitions += WorkflowRollup.events(prefix: "workflow_session", from: oldSession, to: newSession)
        if !transitions.isEmpty { session["updated_at"] = .string(context.timestamp) }
        try context.db.saveResource(.session, sessionID, session)
        let workspace = session["workspace_id"]?.stringValue
        for name in transitions {
            context.emit(name, workspace: workspace, ["workflow_session": publicBody(session)])
        }
    }

    /// The action resource with its current status.
    private static func refreshed(_ context: RequestContext, _ resource: JSONValue?) throws -> JSONValue {
        guard var r = resource?.objectValue, let id = r["id"]?.stringValue, let type = r["type"]?.stringValue else { return resource ?? .null }
        r["status"] = .string(try currentStatus(context, type: type, id: id))
        return .object(r)
    }

    static func currentStatus(_ context: RequestContext, type: String, id: String) throws -> String {
        try context.db.resource(ResourceTypes.kind(of: type), id)?["status"]?.stringValue ?? SignatureRequestStatus.deleted.rawValue
    }

    static func groups(_ session: JSONObject) -> [JSONObject] {
        (session["action_groups"]?.arrayValue ?? []).compactMap(\.objectValue)
    }
}
