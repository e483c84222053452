import Foundation

/// The programs of HostileScriptTests.fuzz, generated from a seed so that program `i` is the same
/// on every machine and every run (SplitMix64): `soup` programs of random Lua tokens, then
/// `mutants` mutations of a few valid flows (half of them only swap numbers and strings for
/// extreme ones, keeping the syntax; the others also flip bits, truncate, duplicate or delete
/// fragments and insert tokens). Each runs with `flags`.
enum HostileFuzz {
    static let soup = 100
    static let mutants = 160
    static var count: Int { soup + mutants }
    static let baseSeed: UInt64 = 0xB0A4D5EED
    static let flags = ["--time-limit", "2s", "--memory-limit", "64MB", "--output-limit", "64KB", "--ephemeral"]

    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let tokens: [String] = [
        #"and"#, #"break"#, #"do"#, #"else"#, #"elseif"#, #"end"#, #"false"#, #"for"#, #"function"#, #"goto"#,
        #"if"#, #"in"#, #"local"#, #"nil"#, #"not"#, #"or"#, #"repeat"#, #"return"#, #"then"#, #"true"#,
        #"until"#, #"while"#, #"+"#, #"-"#, #"*"#, #"/"#, #"//"#, #"%"#, #"^"#, #"#"#,
        #"&"#, #"~"#, #"|"#, #"<<"#, #">>"#, #"=="#, #"~="#, #"<="#, #">="#, #"<"#,
        #">"#, #"="#, #"("#, #")"#, #"{"#, #"}"#, #"["#, #"]"#, #"::"#, #";"#,
        #":"#, #","#, #"."#, #".."#, #"..."#, #"<close>"#, #"<const>"#, #"x"#, #"t"#, #"f"#,
        #"_ENV"#, #"_G"#, #"print"#, #"pcall"#, #"xpcall"#, #"error"#, #"load"#, #"require"#, #"setmetatable"#, #"getmetatable"#,
        #"rawset"#, #"select"#, #"tostring"#, #"coroutine.wrap"#, #"coroutine.close"#, #"string.rep"#, #"string.format"#, #"table.concat"#, #"table.move"#, #"json.encode"#,
        #"json.decode"#, #"yousign"#, #"emulator"#, #"env.get"#, #"io"#, #"os.exit"#, #"debug"#, #"collectgarbage"#, #"0"#, #"1"#,
        #"-1"#, #"3.5"#, #"1e308"#, #"2^63"#, #"0x7fffffffffffffff"#, #"math.huge"#, #"1e9"#, #""x""#, #""""#, #""\27Lua""#,
        #""%d""#, #""../x""#, #""\0""#, #"[[long]]"#, #"{}"#, #"{1, 2}"#,
    ]

    static let numbers: [String] = [
        #"0"#, #"-1"#, #"3.5"#, #"1e15"#, #"1e300"#, #"9e18"#, #"2^63"#, #"-2^63"#, #"(0/0)"#, #"math.huge"#, #"0x7fffffffffffffff"#,
    ]

    static let strings: [String] = [
        #""""#, #""../x.pdf""#, #""/etc/passwd""#, #""\27Lua""#, #""\0""#, #""%s%s%s""#, #""YOUSIGN_API_KEY""#, #""\27[31m""#, #"("x"):rep(1e6)"#,
    ]

    /// Valid flows to mutate: two on the embedded emulator, API errors, json, strings, coroutines
    /// and metatables.
    static let seeds: [String] = [
        #"""
        local pdf = "%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"
        local templates = yousign.workflow_templates.list()
        local session = yousign.workflow_sessions.create{ workflow_template_id = templates.data[1].id, name = "Onboarding of Kelly Smith" }
        local v = yousign.verifications.identity_documents.create{ file = { name = "verified_id_document_verification.pdf", content = pdf, content_type = "application/pdf" }, workflow_session_id = session.id, first_name = "Kelly", last_name = "Smith" }
        print(v.status, json.encode(session.status))
        """#,
        #"""
        local pdf = "%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"
        local sr = yousign.signature_requests.create{ name = "Contract", delivery_mode = "none" }
        local doc = yousign.signature_requests.documents.create(sr.id, { file = { name = "contract.pdf", content = pdf, content_type = "application/pdf" }, nature = "signable_document" })
        local signer = yousign.signature_requests.signers.create(sr.id, { info = { first_name = "Kelly", last_name = "Smith", email = "kelly@example.com", locale = "en" }, signature_level = "electronic_signature", signature_authentication_mode = "no_otp", fields = { { type = "signature", document_id = doc.id, page = 1, x = 100, y = 100 } } })
        print(yousign.signature_requests.activate(sr.id).status)
        emulator.sign(sr.id, signer.id)
        emulator.advance(3600)
        print(yousign.signature_requests.get(sr.id).status, #yousign.signature_requests.documents.download(sr.id, doc.id))
        for s in yousign.signature_requests.each{} do print(s.name) end
        """#,
        #"""
        local ok, err = pcall(yousign.workflow_sessions.get, "missing")
        print(ok, yousign.is_error(err), err.status, tostring(err))
        local ok2, err2 = pcall(yousign.workflow_sessions.create, { name = "" })
        print(ok2, err2.type, #err2.invalid_params)
        print(pcall(yousign.request, { method = "GET", path = "/workflow_templates", query = { limit = 2 } }))
        """#,
        #"""
        local doc = json.decode('{"id": 9007199254740993, "tags": [], "nested": {"a": [1, 2.5, null, true]}}')
        print(doc.id, json.encode(doc), json.encode(json.array{}), json.encode(json.object{}))
        print(json.encode({ list = { 1, 2, 3 }, name = "x" }, { indent = 2 }))
        print(pcall(json.decode, "[1, 2"))
        """#,
        #"""
        local s = ("hello world "):rep(10)
        print(s:upper():sub(1, 11), s:find("wor", 1, true), s:gsub("o", "0"))
        for w in s:gmatch("%a+") do if #w > 4 then print(w) break end end
        print(string.format("%5.2f|%q|%x", 3.14159, "a\nb", 255), utf8.char(72, 228, 8364), utf8.len("h\u{e4}"))
        print(("x"):rep(3, ","), table.concat({ 1, 2, 3 }, "-"), select("#", 1, nil, 3))
        """#,
        #"""
        local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
        print(gen(), gen(), gen())
        local V = setmetatable({}, { __index = function(_, k) return k .. "!" end, __len = function() return 7 end })
        print(V.hi, #V, rawlen(V))
        local function counter() local n = 0 return function() n = n + 1 return n end end
        local c = counter() c() print(c())
        do local x <close> = setmetatable({}, { __close = function() print("closed") end }) end
        print(pcall(error, { code = 42 }), xpcall(function() error("e") end, function(m) return "handled " .. m end))
        """#,
    ]

    /// Program `i`, as bytes (mutations may leave invalid UTF-8, written as is).
    static func program(_ i: Int) -> [UInt8] {
        var rng = SplitMix64(state: baseSeed &+ UInt64(i))
        if i < soup {
            let n = 3 + rng.int(40)
            return Array((0..<n).map { _ in tokens[rng.int(tokens.count)] }.joined(separator: " ").utf8)
        }
        var b = Array(seeds[rng.int(seeds.count)].utf8)
        let semantic = rng.int(2) == 0
        for _ in 0..<(1 + rng.int(3)) {
            let op = semantic ? 5 + rng.int(2) : rng.int(7)
            switch op {
            case 0:  // flip one bit of a byte (it stays ASCII)
                guard !b.isEmpty else { continue }
                let p = rng.int(b.count)
                b[p] ^= UInt8(1 << rng.int(7))
            case 1:  // truncate
                b = Array(b.prefix(rng.int(b.count + 1)))
            case 2:  // duplicate a fragment somewhere else
                guard !b.isEmpty else { continue }
                let a = rng.int(b.count)
                let l = 1 + rng.int(min(40, b.count - a))
                let fragment = Array(b[a..<(a + l)])
                b.insert(contentsOf: fragment, at: rng.int(b.count + 1))
            case 3:  // delete a fragment
                guard !b.isEmpty else { continue }
                let a = rng.int(b.count)
                let l = 1 + rng.int(min(20, b.count - a))
                b.removeSubrange(a..<(a + l))
            case 4:  // insert a token
                let token = tokens[rng.int(tokens.count)]
                b.insert(contentsOf: Array((" " + token + " ").utf8), at: rng.int(b.count + 1))
            case 5:  // replace a number with an extreme one
                let runs = numberRuns(b)
                guard !runs.isEmpty else { continue }
                let run = runs[rng.int(runs.count)]
                b.replaceSubrange(run, with: Array(numbers[rng.int(numbers.count)].utf8))
            default:  // replace a "string" with a hostile one
                let quotes = b.indices.filter { b[$0] == 34 }
                guard quotes.count >= 2 else { continue }
                let k = rng.int(quotes.count / 2)
                b.replaceSubrange(quotes[2 * k]...quotes[2 * k + 1], with: Array(strings[rng.int(strings.count)].utf8))
            }
        }
        return b
    }

    /// The number literals of `b` (digits and dots not inside a name), as ranges.
    static func numberRuns(_ b: [UInt8]) -> [Range<Int>] {
        func isWord(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c == 46 }
        var runs: [Range<Int>] = []
        var i = 0
        while i < b.count {
            if (48...57).contains(b[i]) && (i == 0 || !isWord(b[i - 1])) {
                var j = i
                while j < b.count && ((48...57).contains(b[j]) || b[j] == 46) { j += 1 }
                runs.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return runs
    }

    /// Runs program `i`: nil when it ended with a clear outcome, else what went wrong.
    static func problem(program i: Int) -> String? {
        let source = program(i)
        do {
            let folder = try TempFolder(["fuzz.lua": source])
            let r = try CLI.onboard(["run"] + flags + ["fuzz.lua"], in: folder.url, environment: ["YOUSIGN_API_KEY": HostileCase.secret])
            var problems = HostileCase.universalProblems(r, folder: folder.url)
            if ![0, 1, 3].contains(r.status) { problems.append("exit \(r.status), not 0, 1 or 3") }
            if r.status != 0 && r.stderr.isEmpty { problems.append("failed with nothing on stderr") }
            guard !problems.isEmpty else { return nil }
            return "program \(i): \(problems.joined(separator: "; "))\n\(String(decoding: source.prefix(600), as: UTF8.self))\n\(r.brief)"
        } catch {
            return "program \(i): \(error)"
        }
    }

    /// `body(0..<count)` on `width` threads of their own (not Dispatch's pool, which CLI.run
    /// uses to read pipes), results in order.
    static func parallelMap<T: Sendable>(count: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        let box = ParallelResults<T>(count: count)
        let done = DispatchGroup()
        for _ in 0..<width {
            done.enter()
            let thread = Thread {
                while let i = box.nextIndex() { box.store(body(i), at: i) }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        // waited for without holding one of Swift's cooperative threads
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        return box.results()
    }
}

/// Hands out indices and collects results for HostileFuzz.parallelMap.
final class ParallelResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T?]
    private var next = 0

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func nextIndex() -> Int? {
        lock.withLock {
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func store(_ value: T, at i: Int) { lock.withLock { values[i] = value } }

    func results() -> [T] { lock.withLock { values.map { $0! } } }
}
