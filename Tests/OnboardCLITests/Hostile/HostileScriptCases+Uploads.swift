import Foundation

extension HostileCase {
    /// Uploads: traversal, absolute paths, symlinks (to files and folders, out of and inside the grant),
    /// FIFOs, devices, oversized files, odd paths; and a FIFO as the script.
    static let uploads: [HostileCase] = [
        HostileCase(
            name: "upload without --allow-read is refused naming the flag",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "doc.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to 'doc.pdf' is not granted; allow it with --allow-read=doc.pdf\n"),
        HostileCase(
            name: "upload under --allow-read=. works",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "doc.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "true\tfailed\n"),
        HostileCase(
            name: "upload of ../x.pdf is refused without a grant",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "../x.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: '../x.pdf': paths may not contain '..'; name the file from the current folder\n"),
        HostileCase(
            name: "upload of ../x.pdf is refused under --allow-read=.",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "../x.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: '../x.pdf': paths may not contain '..'; name the file from the current folder\n"),
        HostileCase(
            name: "upload of sub/../doc.pdf is refused even though it stays inside",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "sub/../doc.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'sub/../doc.pdf': paths may not contain '..'; name the file from the current folder\n"),
        HostileCase(
            name: "upload by table {path = '../x.pdf'} is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = {path = "../x.pdf", name = "verified_id_document_verification.pdf"}, first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: '../x.pdf': paths may not contain '..'; name the file from the current folder\n"),
        HostileCase(
            name: "upload of an absolute path outside the grant is refused (no grant)",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "/etc/passwd", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to '/etc/passwd' is not granted; allow it with --allow-read=/etc\n"),
        HostileCase(
            name: "upload of an absolute path outside the grant is refused (--allow-read=.)",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "/etc/passwd", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to '/etc/passwd' is not granted; allow it with --allow-read=/etc\n"),
        HostileCase(
            name: "upload through a symlink to /etc/passwd is refused without a grant",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "link.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to 'link.pdf' is not granted; allow it with --allow-read=link.pdf\n"),
        HostileCase(
            name: "upload through a symlink to /etc/passwd is refused under --allow-read=.",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "link.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'link.pdf' is a symbolic link, which is not followed (name the file it points to)\n"),
        HostileCase(
            name: "upload through a symlink that stays inside the grant is refused too",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "inlink.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'inlink.pdf' is a symbolic link, which is not followed (name the file it points to)\n"),
        HostileCase(
            name: "upload through a folder symlink to /etc is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "sub/etc/passwd", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'sub/etc/passwd': a folder in the path is a symbolic link or a file, which is not followed\n"),
        HostileCase(
            name: "upload through a folder symlink to /tmp is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "tmpdir/x.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'tmpdir/x.pdf': a folder in the path is a symbolic link or a file, which is not followed\n"),
        HostileCase(
            name: "upload of a FIFO is refused at once (no blocking open)",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "fifo.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            fifos: ["fifo.pdf"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'fifo.pdf' is not a regular file (a FIFO, device or socket)\n",
            maxSeconds: 3.0),
        HostileCase(
            name: "upload of /dev/zero is refused without a grant",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "/dev/zero", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to '/dev/zero' is not granted; allow it with --allow-read=/dev\n"),
        HostileCase(
            name: "upload of /dev/zero under --allow-read=/dev is refused at once (no endless read)",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "/dev/zero", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=/dev"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: '/dev/zero' is not a regular file (a FIFO, device or socket)\n",
            maxSeconds: 3.0),
        HostileCase(
            name: "upload of a file over 64 MB is refused before reading",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "big.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            sparse: ["big.pdf": 68157440],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'big.pdf' is larger than 64 MB\n",
            maxSeconds: 5.0),
        HostileCase(
            name: "upload of a path with a NUL byte is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "doc.pdf\0.png", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'doc.pdf\0.png': not a valid file path\n"),
        HostileCase(
            name: "upload of an empty path is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: '': not a valid file path\n"),
        HostileCase(
            name: "upload of a folder is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "sub", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'sub' is a folder, not a file\n"),
        HostileCase(
            name: "upload of a 2 KB path is refused",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=."],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/': not a valid file path\n"),
        HostileCase(
            name: "a grant of 'in' does not cover 'inside' (no prefix confusion)",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "inside/secret.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=in"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to 'inside/secret.pdf' is not granted; allow it with --allow-read=inside\n"),
        HostileCase(
            name: "a grant of 'in' cannot be left with in/../",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "in/../inside/secret.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=in"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: 'in/../inside/secret.pdf': paths may not contain '..'; name the file from the current folder\n"),
        HostileCase(
            name: "a grant of a single file covers only that file",
            code: #"""
            local ok, result = pcall(yousign.verifications.identity_documents.create, {
              file = "link.pdf", first_name = "Kelly", last_name = "Smith"})
            print(ok, ok and result.status or result)
            """#,
            flags: ["--ephemeral", "--allow-read=doc.pdf"],
            files: ["doc.pdf": "%PDF-1.4\n%%EOF\n", "in/ok.pdf": "%PDF-1.4\n%%EOF\n", "inside/secret.pdf": "%PDF-1.4\n%%EOF\n", "sub/keep.txt": ""],
            links: ["link.pdf": "/etc/passwd", "inlink.pdf": "doc.pdf", "sub/etc": "/etc", "tmpdir": "/tmp"],
            expect: 0,
            stdout: "false\tyousign.verifications.identity_documents.create: file: read access to 'link.pdf' is not granted; allow it with --allow-read=link.pdf\n"),
        HostileCase(
            name: "a FIFO given as the script is refused, not waited on",
            code: #"""

            """#,
            fifos: ["case.lua"],
            expect: 2,
            stdout: "",
            stderrContains: ["onboard: cannot read 'case.lua'"],
            maxSeconds: 3.0),
    ]
}
