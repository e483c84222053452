/// Every route of the emulator.
enum Routes {
    static func all() -> Router {
        var r = Router()
        WorkflowRoutes.register(&r)
        ApplicantRoutes.register(&r)
        WorkspaceRoutes.register(&r)
        WebhookRoutes.register(&r)
        SignatureRequestRoutes.register(&r)
        VerificationRoutes.register(&r)
        ControlRoutes.register(&r)
        FaultRoutes.register(&r)
        TemplateControlRoutes.register(&r)
        return r
    }
}
