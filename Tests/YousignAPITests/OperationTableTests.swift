import Foundation
import Testing
@testable import YousignAPI

@Suite("The operation table generated from the spec")
struct OperationTableTests {
    @Test func everyOperationHasAUniqueLuaNameAndNoNameIsAlsoATable() {
        #expect(Operation.all.count == 166)
        let names = Set(Operation.all.map(\.luaName))
        #expect(names.count == Operation.all.count)
        for name in names {
            #expect(!names.contains { $0.hasPrefix(name + ".") }, "\(name) is both a function and a table")
        }
    }

    @Test("The names users and docs depend on", arguments: [
        ("workflow_templates.list", "GET", "/workflow_templates"),
        ("workflow_sessions.create", "POST", "/workflow_sessions"),
        ("workflow_sessions.get", "GET", "/workflow_sessions/{workflowSessionId}"),
        ("workflow_sessions.resolve_action", "POST", "/workflow_sessions/{workflowSessionId}/resolve_action"),
        ("verifications.identity_documents.create", "POST", "/verifications/identity_documents"),
        ("signature_requests.create", "POST", "/signature_requests"),
        ("signature_requests.documents.create", "POST", "/signature_requests/{signatureRequestId}/documents"),
        ("signature_requests.signers.create", "POST", "/signature_requests/{signatureRequestId}/signers"),
        ("signature_requests.documents.fields.create", "POST", "/signature_requests/{signatureRequestId}/documents/{documentId}/fields"),
        ("signature_requests.activate", "POST", "/signature_requests/{signatureRequestId}/activate"),
        ("signature_requests.get", "GET", "/signature_requests/{signatureRequestId}"),
        ("signature_requests.documents.download", "GET", "/signature_requests/{signatureRequestId}/documents/{documentId}/download"),
    ])
    func requiredNames(name: String, method: String, path: String) throws {
        let op = try #require(Operation.named(name))
        #expect(op.method == method)
        #expect(op.path == path)
    }

    @Test func shapesComeFromTheSpec() throws {
        let idDoc = try #require(Operation.named("verifications.identity_documents.create"))
        #expect(Set(idDoc.bodyTypes) == [.json, .multipart])
        #expect(idDoc.fileFields.contains("file"))
        let list = try #require(Operation.named("signature_requests.list"))
        #expect(list.paginated)
        #expect(list.queryParameters.contains("status[eq]"))
        #expect(try #require(Operation.named("workflow_sessions.resolve_action")).response == .empty)
        #expect(try #require(Operation.named("signature_requests.documents.download")).response == .binary)
    }

    /// The committed table matches the spec (skipped, with a message, without ../shared).
    @Test func theGeneratedFilesAreUpToDate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/generate-operations.py").path, "--check"]
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        if output.contains("skipped") { print("OperationTableTests: \(output)") }
    }
}
