import Foundation
import JSONCodec

/// Field bodies (§6.3): the nine types with their bounds, read for create (required keys and
/// defaults) or PATCH (only the keys present). The result is the stored field without `id`,
/// `document_id` and `signer_id`, which the routes fill in.
///
/// [I] defaults where the spec requires a value in responses but gives none: a signature's
/// `display` is `{"layout": "minimal"}`; text-like fields are 200×24; the font is Helvetica
/// 12 pt black.
enum SignatureRequestFields {
    static let types = ["signature", "mention", "signature_date", "text", "checkbox", "radio_group", "read_only_text", "signer_name", "signer_email"]
    /// The types a signer can be created with inline (`FieldsInput`).
    static let inlineTypes = ["signature", "mention", "text", "checkbox", "radio_group"]
    static let fontFamilies = ["Inconsolata", "Open Sans", "Lato", "Raleway", "Merriweather", "EB Garamond", "Comic Neue", "Monaco", "Helvetica", "Courier", "Times Roman"]
    static let dateFormats = ["dd/MM/yyyy", "dd-MM-yyyy", "dd.MM.yyyy", "yyyy-MM-dd", "MM/dd/yyyy", "dd MMMM yyyy", "MMMM dd, yyyy", "MMM dd, yyyy"]
    static let defaultFont: JSONValue = .object(["family": "Helvetica", "color": "#000000", "size": 12,
                                                 "variants": .object(["italic": false, "bold": false])])
    static let coordinate: ClosedRange<Int64> = 0...32767

    /// Every key a field body may carry, by type (plus `type` and, except read-only text, `signer_id`).
    static func allowedKeys(_ type: String) -> Set<String> {
        let common: Set<String> = ["type", "page", "x", "y", "signer_id"]
        switch type {
        case "signature": return common.union(["width", "height", "reason", "display"])
        case "mention": return common.union(["width", "height", "mention", "font", "name"])
        case "signature_date": return common.union(["font", "name", "date_format", "time_format", "show_timezone", "show_email", "offset_unit", "offset_value"])
        case "text": return common.union(["width", "height", "max_length", "question", "instruction", "optional", "font", "name", "default_value", "read_only"])
        case "checkbox": return common.union(["size", "optional", "name", "checked", "read_only", "default_checked"])
        case "radio_group": return ["type", "page", "signer_id", "optional", "name", "read_only", "radios"]
        case "read_only_text": return ["type", "page", "x", "y", "width", "height", "text", "font"]
        default: return common.union(["font", "name"] + (type == "signer_name" ? ["name_format"] : []))
        }
    }

    /// Reads the type-specific keys of `body` into `out` (which holds the existing field when
    /// patching). `creating` makes required keys required and fills defaults.
    static func read(_ body: inout BodyReader, type: String, creating: Bool, into out: inout JSONObject) {
        func int(_ key: String, _ range: ClosedRange<Int64>, required: Bool = false, default value: Int64? = nil) {
            if let v = body.integer(key, required: required && creating, in: range) { out[key] = .integer(v) } else if creating, out[key] == nil, let value {
                out[key] = .integer(value)
            }
        }
        func flag(_ key: String, default value: Bool) {
            if let b = body.bool(key) { out[key] = .bool(b) } else if creating, out[key] == nil { out[key] = .bool(value) }
        }
        func nullableText(_ key: String, min: Int = 1, max: Int, format: BodyReader.StringFormat = .plain) {
            if body.isNull(key) { out[key] = .null } else if let s = body.string(key, min: min, max: max, format: format) { out[key] = .string(s) } else if creating, out[key] == nil {
                out[key] = .null
            }
        }
        int("page", 1...Int64(Int32.max), required: true)
        if type != "radio_group" {
            int("x", coordinate, required: true)
            int("y", coordinate, required: true)
        }
        switch type {
        case "signature":
            int("width", 85...2000, default: 85)
            int("height", 37...1000, default: 37)
            nullableText("reason", max: 150, format: .humanName)
            if let display = readDisplay(&body) { out["display"] = display } else if creating, out["display"] == nil { out["display"] = .object(["layout": "minimal"]) }
        case "mention":
            if let m = body.string("mention", required: creating, max: 255, format: .safe) { out["mention"] = .string(m) }
            sized(&body, creating: creating, into: &out)
            nullableText("name", max: 128)
        case "signature_date":
            sized(&body, creating: creating, into: &out)
            nullableText("name", max: 128)
            if let f = body.enumeration("date_format", dateFormats) { out["date_format"] = .string(f) } else if creating { out["date_format"] = "dd/MM/yyyy" }
            if body.isNull("time_format") { out["time_format"] = .null } else if let f = body.enumeration("time_format", ["HH:mm", "hh:mm a"]) { out["time_format"] = .string(f) } else if creating {
                out["time_format"] = .null
            }
            flag("show_timezone", default: false)
            flag("show_email", default: true)
            if body.isNull("offset_unit") { out["offset_unit"] = .null } else if let u = body.enumeration("offset_unit", ["days", "weeks", "months", "years"]) { out["offset_unit"] = .string(u) } else if creating {
                out["offset_unit"] = "days"
            }
            int("offset_value", 0...Int64(Int32.max), default: 0)
        case "text":
            int("max_length", 1...32767, required: true)
            if let q = body.string("question", required: creating, min: 0, max: 255) { out["question"] = .string(q) }
            nullableText("instruction", min: 0, max: 255)
            flag("optional", default: false)
            sized(&body, creating: creating, into: &out)
            nullableText("name", max: 128)
            nullableText("default_value", max: 32767)
            flag("read_only", default: false)
            if creating { out["answer"] = .null }
        case "checkbox":
            int("size", 8...240, default: 24)
            flag("optional", default: false)
            nullableText("name", max: 128)
            if let b = body.bool("checked") ?? body.bool("default_checked") { out["checked"] = .bool(b); out["_initially_checked"] = .bool(b) } else if creating {
                out["checked"] = false
            }
            flag("read_only", default: false)
        case "radio_group":
            flag("optional", default: false)
            nullableText("name", max: 128)
            flag("read_only", default: false)
            if let radios = readRadios(&body, required: creating) { out["radios"] = .array(radios) }
        case "read_only_text":
            if let t = body.string("text", required: creating, max: 5000) { out["text"] = .string(t) }
            sized(&body, creating: creating, into: &out)
        default: // signer_name, signer_email
            sized(&body, creating: creating, into: &out)
            nullableText("name", max: 128)
            if type == "signer_name" {
                if let f = body.enumeration("name_format", ["full_name", "first_name", "last_name"]) { out["name_format"] = .string(f) } else if creating { out["name_format"] = "full_name" }
            }
        }
    }

    /// `font`, `width` and `height` of text-like fields: setting a font makes the size required.
    private static func sized(_ body: inout BodyReader, creating: Bool, into out: inout JSONObject) {
        let fontGiven = body.has("font") && !body.isNull("font")
        if let font = readFont(&body, sizes: creating ? 7...96 : 8...22) { out["font"] = font } else if creating || body.isNull("font") {
            if out["font"] == nil || body.isNull("font") { out["font"] = defaultFont }
        }
        for (key, range, fallback) in [("width", Int64(24)...32767, Int64(200)), ("height", Int64(1)...32767, Int64(24))] {
            if let v = body.integer(key, required: creating && fontGiven, in: range) { out[key] = .integer(v) } else if out[key] == nil || out[key] == .null {
                out[key] = .integer(fallback)
            }
        }
    }

    static func readFont(_ body: inout BodyReader, sizes: ClosedRange<Int64>) -> JSONValue? {
        guard var f = body.object("font") else { return nil }
        let family = f.enumeration("family", fontFamilies, required: true)
        let color = f.string("color", required: true, max: 7, pattern: "^#([a-f0-9]{6}|[A-F0-9]{6})$")
        let size = f.integer("size", required: true, in: sizes)
        var variants: JSONValue?
        if var v = f.object("variants", required: true) {
            let italic = v.bool("italic", required: true)
            let bold = v.bool("bold", required: true)
            v.rejectUnknown(["italic", "bold"])
            if let italic, let bold { variants = .object(["italic": .bool(italic), "bold": .bool(bold)]) }
            f.merge(v)
        }
        f.rejectUnknown(["family", "color", "size", "variants"])
        body.merge(f)
        guard let family, let color, let size, let variants else { return nil }
        return .object(["family": .string(family), "color": .string(color), "size": .integer(size), "variants": variants])
    }

    private static func readDisplay(_ body: inout BodyReader) -> JSONValue? {
        if body.isNull("display") { return .object(["layout": "minimal"]) }
        guard var d = body.object("display") else { return nil }
        let layout = d.enumeration("layout", ["minimal", "legacy", "detailed"], required: true)
        var result: JSONObject = ["layout": layout.map(JSONValue.string) ?? .null]
        if layout == "detailed" {
            if var o = d.object("options", required: true) {
                var options: JSONObject = ["date_format": "dd/MM/yyyy", "time_format": .null, "show_timezone": false, "show_email": true]
                if let f = o.enumeration("date_format", dateFormats) { options["date_format"] = .string(f) }
                if let f = o.enumeration("time_format", ["HH:mm", "hh:mm a"]) { options["time_format"] = .string(f) }
                if let b = o.bool("show_timezone") { options["show_timezone"] = .bool(b) }
                if let b = o.bool("show_email") { options["show_email"] = .bool(b) }
                o.rejectUnknown(["date_format", "time_format", "show_timezone", "show_email"])
                result["options"] = .object(options)
                d.merge(o)
            }
            d.rejectUnknown(["layout", "options"])
        } else {
            d.rejectUnknown(["layout"])
        }
        body.merge(d)
        return d.problems.isEmpty ? .object(result) : nil
    }

    private static func readRadios(_ body: inout BodyReader, required: Bool) -> [JSONValue]? {
        guard let items = body.array("radios", required: required, max: 100) else { return nil }
        if items.isEmpty { body.problem("radios", "A radio group needs at least one radio.") }
        var radios: [JSONValue] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { body.problem("radios[\(i)]", "This value should be of type object."); continue }
            var r = BodyReader(o, prefix: body.name("radios") + "[\(i)]")
            let name = r.string("name", max: 128)
            let x = r.integer("x", required: true, in: coordinate)
            let y = r.integer("y", required: true, in: coordinate)
            let size = r.integer("size", in: 8...240) ?? 24
            let checked = r.bool("default_checked") ?? false
            r.rejectUnknown(["name", "x", "y", "size", "default_checked"])
            body.merge(r)
            radios.append(.object(["name": name.map(JSONValue.string) ?? .null, "x": .integer(x ?? 0), "y": .integer(y ?? 0),
                                   "size": .integer(size), "checked": .bool(checked), "_default_checked": .bool(checked)]))
        }
        return radios
    }

    /// The field as it was before anyone answered it (for duplicates).
    static func cleared(_ field: JSONObject) -> JSONObject {
        var f = field
        switch f["type"]?.stringValue {
        case "text": f["answer"] = .null
        case "checkbox": f["checked"] = f["_initially_checked"] ?? false
        case "radio_group":
            f["radios"] = .array((f["radios"]?.arrayValue ?? []).map { r in
                guard var o = r.objectValue else { return r }
                o["checked"] = o["_default_checked"] ?? false
                return .object(o)
            })
        default: break
        }
        return f
    }
}
