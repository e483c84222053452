/// Applicants of a workflow session (§4.5).
enum ApplicantRoutes {
    static func register(_ r: inout Router) {}
}
