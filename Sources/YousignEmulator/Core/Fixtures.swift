import Foundation
import JSONCodec

/// What a new emulator store starts with: workspaces, API keys and workflow templates (Yousign
/// staff make templates, so users declare theirs here). `--fixtures FILE` (JSON) replaces or
/// extends these:
///
/// ```json
/// {"mode": "extend",
///  "api_keys": ["my-key"],
///  "workspaces": [{"id": "…", "name": "Retail"}],
///  "workflow_templates": [{"id": "…", "name": "KYC", "action_groups": ["identity_verification"], "workspaces": []}]}
/// ```
public struct Fixtures: Sendable, Equatable {
    public struct Workspace: Sendable, Equatable {
        public var id: String
        public var name: String
        public var isDefault: Bool
        public init(id: String, name: String, isDefault: Bool = false) {
            self.id = id
            self.name = name
            self.isDefault = isDefault
        }
    }

    public struct Template: Sendable, Equatable {
        public var id: String
        public var name: String
        public var actionGroups: [String]
        public var workspaces: [String]
        public init(id: String, name: String, actionGroups: [String], workspaces: [String] = []) {
            self.id = id
            self.name = name
            self.actionGroups = actionGroups
            self.workspaces = workspaces
        }
    }

    public var organizationName: String
    public var apiKeys: [String]
    public var workspaces: [Workspace]
    public var templates: [Template]

    public static let defaultAPIKey = "emulator-test-key"
    public static let defaultWorkspaceID = "5a1d0c1e-0000-4000-8000-00000000d3f0"
    public static let businessWorkspaceID = "5a1d0c1e-0000-4000-8000-0000000b0515"
    public static let customerOnboardingTemplateID = "7e3b1f00-0000-4000-8000-00000000c0b0"
    public static let businessOnboardingTemplateID = "7e3b1f00-0000-4000-8000-00000000b0b0"
    public static let twoWorkspaceTemplateID = "7e3b1f00-0000-4000-8000-000000002a2a"

    public static let defaults = Fixtures(
        organizationName: "Emulated organization",
        apiKeys: [defaultAPIKey],
        workspaces: [
            Workspace(id: defaultWorkspaceID, name: "Default workspace", isDefault: true),
            Workspace(id: businessWorkspaceID, name: "Business"),
        ],
        templates: [
            Template(id: customerOnboardingTemplateID, name: "Customer onboarding",
                     actionGroups: ["identity_verification", "signature_request"]),
            Template(id: businessOnboardingTemplateID, name: "Business onboarding",
                     actionGroups: ["company_verification", "watchlist_verification", "bank_account_verification", "signature_request"],
                     workspaces: [businessWorkspaceID]),
            Template(id: twoWorkspaceTemplateID, name: "Onboarding in two workspaces",
                     actionGroups: ["identity_verification", "proof_of_address_verification", "signature_request"],
                     workspaces: [defaultWorkspaceID, businessWorkspaceID]),
        ])

    public init(organizationName: String, apiKeys: [String], workspaces: [Workspace], templates: [Template]) {
        self.organizationName = organizationName
        self.apiKeys = apiKeys
        self.workspaces = workspaces
        self.templates = templates
    }

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    static let groupTypes: Set<String> = [
        "signature_request", "identity_verification", "proof_of_address_verification", "company_verification",
        "watchlist_verification", "bank_account_verification", "document_analysis",
    ]

    /// Reads a fixtures file and applies it to `base` ("mode": "extend", the default, or "replace").
    public static func load(path: String, base: Fixtures = .defaults) throws -> Fixtures {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read fixtures file '\(path)'")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: [UInt8](data)) } catch {
            throw LoadError(description: "\(path): \(error)")
        }
        guard case .object(let root) = json else { throw LoadError(description: "\(path): the top level must be an object") }
        let mode = root["mode"]?.stringValue ?? "extend"
        guard mode == "extend" || mode == "replace" else {
            throw LoadError(description: "\(path): \"mode\" must be \"extend\" or \"replace\"")
        }
        var result = mode == "replace" ? Fixtures(organizationName: base.organizationName, apiKeys: [], workspaces: [], templates: []) : base
        for key in root["api_keys"]?.arrayValue ?? [] {
            guard let k = key.stringValue, !k.isEmpty else { throw LoadError(description: "\(path): api_keys must be strings") }
            result.apiKeys.append(k)
        }
        for (i, w) in (root["workspaces"]?.arrayValue ?? []).enumerated() {
            guard let id = w["id"]?.stringValue, let name = w["name"]?.stringValue else {
                throw LoadError(description: "\(path): workspaces[\(i)] needs \"id\" and \"name\"")
            }
            result.workspaces.removeAll { $0.id == id }
            result.workspaces.append(Workspace(id: id.lowercased(), name: name, isDefault: w["default"]?.boolValue ?? false))
        }
        for (i, t) in (root["workflow_templates"]?.arrayValue ?? []).enumerated() {
            guard let id = t["id"]?.stringValue, let name = t["name"]?.stringValue,
                  let groups = t["action_groups"]?.arrayValue?.compactMap({ $0.stringValue ?? $0["type"]?.stringValue }) else {
                throw LoadError(description: "\(path): workflow_templates[\(i)] needs \"id\", \"name\" and \"action_groups\"")
            }
            for g in groups where !groupTypes.contains(g) {
                throw LoadError(description: "\(path): workflow_templates[\(i)]: unknown action group type '\(g)'")
            }
            let spaces = (t["workspaces"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["id"]?.stringValue }
            result.templates.removeAll { $0.id == id }
            result.templates.append(Template(id: id.lowercased(), name: name, actionGroups: groups, workspaces: spaces))
        }
        if !result.workspaces.isEmpty && !result.workspaces.contains(where: \.isDefault) { result.workspaces[0].isDefault = true }
        if result.workspaces.filter(\.isDefault).count > 1 {
            throw LoadError(description: "\(path): exactly one workspace can be the default")
        }
        if result.apiKeys.isEmpty { throw LoadError(description: "\(path): no API key left; add one to \"api_keys\"") }
        if result.workspaces.isEmpty { throw LoadError(description: "\(path): no workspace left; add one to \"workspaces\"") }
        return result
    }
}
