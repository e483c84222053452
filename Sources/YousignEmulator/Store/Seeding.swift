import Foundation
import GRDB
import JSONCodec

/// Loads the fixtures into a new store (once: a store that was seeded keeps its state).
enum Seeding {
    static func seedIfEmpty(_ writer: any DatabaseWriter, _ fixtures: Fixtures) throws {
        try writer.write { db in
            guard try db.meta("seeded") == nil else { return }
            try seed(db, fixtures)
        }
    }

    static func seed(_ db: Database, _ fixtures: Fixtures) throws {
        let created = Timestamp.string(Date(timeIntervalSince1970: 1_735_689_600)) // 2025-01-01
        for w in fixtures.workspaces {
            try db.insertResource(.workspace, id: w.id, body: [
                "id": .string(w.id), "name": .string(w.name), "external_name": .null, "default": .bool(w.isDefault),
                "created_at": .string(created), "updated_at": .string(created), "deleted_at": .null, "users": .array([]),
            ])
        }
        for t in fixtures.templates {
            try db.insertResource(.template, id: t.id, body: [
                "id": .string(t.id), "name": .string(t.name),
                "action_groups": .array(t.actionGroups.map { .object(["type": .string($0)]) }),
                "workspaces": .array(t.workspaces.map { .object(["id": .string($0)]) }),
            ])
        }
        try db.setMeta("organization", fixtures.organizationName)
        try db.setMeta("seeded", "1")
    }

    /// Empties the store and seeds it again (`POST /_emulator/reset`).
    static func reset(_ db: Database, _ fixtures: Fixtures) throws {
        try db.execute(sql: "DELETE FROM resource; DELETE FROM file; DELETE FROM meta; DELETE FROM delivery; DELETE FROM timer;")
        try seed(db, fixtures)
    }
}
