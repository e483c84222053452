import Foundation
import JSONCodec

/// Plausible extracted values for a `done` analysis of each document type, written over the
/// all-null skeleton. Names come from the request's checks (so the checks match), else from the
/// applicant, else defaults.
enum DocumentAnalysisSamples {
    static func values(_ typeName: String, country: String?, names n: DocumentAnalysisData.Names,
                       input: JSONObject, now: Date) -> JSONObject {
        let issued = VerificationData.day(now, plusDays: -30)
        let address = "12 rue de la Paix, 75002 Paris"
        let company = "Emulated Company SAS"
        switch typeName {
        case "social_security":
            return ["social_security_number": "290057510200325", "first_name": .string(n.first), "last_name": .string(n.last),
                    "full_name": .string(n.full), "document_type": "carte_vitale"]
        case "company_certificate", "rne_certificate":
            var values: JSONObject = [
                "company_name": .string(company), "company_number": "123456789", "registered_address": .string(address),
                "issuance_date": issued, "legal_representatives": .array(representatives(input, n)),
                "document_type": .string(typeName == "rne_certificate" ? "rne_certificate" : "kbis"),
            ]
            if typeName == "company_certificate" { values["verification_number"] = "A1B2C3D4E5" }
            return values
        case "business_registration_certificate":
            return [
                "issuance_date": issued,
                "company_description": .object([
                    "active": true, "legal_form": "Entrepreneur individuel", "company_name": .string(company),
                    "company_number": "123456789", "headquarter_company_number": "123456789",
                    "first_name": .string(n.first), "last_name": .string(n.last), "full_name": .string(n.full),
                ]),
                "branch_description": .object([
                    "address": "12 rue de la Paix", "city": "Paris", "postal_code": "75002", "active": true,
                    "branch_company_number": "12345678900012",
                ]),
                "document_type": "business_registration_certificate",
            ]
        case "driver_licence":
            return ["first_name": .string(n.first), "last_name": .string(n.last), "full_name": .string(n.full),
                    "born_on": "1990-05-17", "expired_on": VerificationData.day(now, plusDays: 10 * 365),
                    "license_type": .array(["B"]), "document_type": "driver_licence"]
        case "temporary_vehicle_registration_document":
            return [
                "vehicle_category": "M1", "vehicle_license_number": "AB123CD", "vehicle_identification_number": "ZFA31200000000001",
                "vehicle_purpose": "uso proprio", "vehicle_first_registration_year": "2021", "issuance_date": issued,
                "vehicle_owner_information": .object(["vehicle_owner_full_name": .string(owner(input, n)),
                                                      "vehicle_owner_birth_date": "1990-05-17", "vehicle_owner_address": "Via Roma 1, 00184 Roma"]),
                "document_recipient_information": .object([
                    "document_recipient_full_name": .string(owner(input, n)), "document_recipient_address": "Via Roma 1, 00184 Roma",
                    "document_recipient_birth_date": "1990-05-17", "document_recipient_birth_city": "Roma",
                ]),
            ]
        case "vehicle_registration_document":
            return vehicleRegistration(country: country, owner: owner(input, n), issued: issued, now: now)
        case "auto_insurance_claims_history":
            return [
                "policy_holder_full_name": .string(owner(input, n, key: "policy_holder")), "policy_holder_address": .string(address),
                "policy_holder_birth_date": "1990-05-17", "insurance_score": "0.50", "issuance_date": issued,
                "effective_start_date": "2021-01-01", "active_contract": true, "vehicle_model": "RENAULT CLIO",
                "vehicle_license_plate": "AB-123-CD", "drivers_information": .array([]), "incidents_information": .array([]),
            ]
        case "tax_notice":
            let year = input["checks"]?["income_year_check"]?["income_year"]?.stringValue.flatMap(Int64.init)
                ?? Int64(Timestamp.day(now).prefix(4)).map { $0 - 1 } ?? 2025
            return [
                "full_name": .string(n.full), "fiscal_number_1": "1234567890123", "tax_notice_reference": "2412A34567890",
                "issuance_date": issued, "income_year": .integer(year), "reference_income": 42000,
                "document_type": "Avis d'impôts sur le revenu",
                "2d_doc": .object(["full_name_1": .string(n.full.uppercased()), "fiscal_number_1": "1234567890123",
                                   "tax_notice_reference": "2412A34567890", "income_year": .integer(year),
                                   "reference_income": 42000, "parts_count": 1]),
            ]
        case "payslip":
            return ["first_name": .string(n.first), "last_name": .string(n.last), "full_name": .string(n.full),
                    "employer_name": .string(company), "pay_period_start_date": VerificationData.day(now, plusDays: -31),
                    "pay_period_end_date": VerificationData.day(now, plusDays: -1), "net_pay": .double(2500.5),
                    "gross_pay": .double(3200.75), "document_type": "bulletin_de_paie"]
        case "invoice":
            return [
                "issuance_date": issued, "invoice_number": "F-0001", "invoice_date": issued, "seller_name": "Emulated Energy SA",
                "seller_address": "1 place de la Bourse, 75002 Paris", "seller_company_number": "552081317",
                "vat_identification_number": "FR03552081317", "billing_address": .string(address), "buyer_name": .string(n.full),
                "buyer_address": .string(address), "total_excluding_taxes": .double(100.5), "total_including_taxes": .double(120.6),
                "document_type": "invoice",
            ]
        default:
            return [:]
        }
    }

    /// The representatives the checks expect, or one default.
    private static func representatives(_ input: JSONObject, _ n: DocumentAnalysisData.Names) -> [JSONValue] {
        let asked = input["checks"]?["legal_representatives"]?.arrayValue ?? [.object(["first_name": .string(n.first), "last_name": .string(n.last)])]
        return asked.map { rep in
            let first = rep["first_name"] ?? .null, last = rep["last_name"] ?? .null
            return .object([
                "type": "natural_person", "function": "President", "first_name": first, "last_name": last,
                "full_name": .string("\(first.stringValue ?? "") \(last.stringValue ?? "")"), "company_name": .null, "company_number": .null,
            ])
        }
    }

    /// The vehicle owner or policy holder the checks expect (a company name for a legal person).
    private static func owner(_ input: JSONObject, _ n: DocumentAnalysisData.Names, key: String = "vehicle_owner") -> String {
        let person = input["checks"]?[key]
        if person?["type"] == "legal_person", let name = person?["company_name"]?.stringValue { return name }
        return n.full
    }

    private static func vehicleRegistration(country: String?, owner: String, issued: JSONValue, now: Date) -> JSONObject {
        var values: JSONObject = [
            "licence_plate_number": "AB-123-CD", "first_registration_date": "2021-03-15",
            "vehicle_information": .object(["vehicle_brand": "RENAULT", "vehicle_version": "V1", "vehicle_model": "CLIO"]),
            "vehicle_identification_number": "VF1RJA00000000001", "issuance_date": issued, "document_type": "vehicle_registration_document",
        ]
        if country == "IT" {
            values["owner_information"] = .object(["owner_full_name": .string(owner), "owner_address": "Via Roma 1, 00184 Roma",
                                                   "owner_type": "natural_person", "owner_birth_date": "1990-05-17"])
            values["vehicle_motor_information"] = .object(["vehicle_fuel_type": "benzina", "vehicle_max_power": .double(67), "vehicle_displacement_type": 999])
            values["vehicle_total_mass"] = .double(1600)
        } else {
            values["owner_information"] = .object(["owner_full_name": .string(owner), "owner_address": "12 rue de la Paix, 75002 Paris",
                                                   "owner_type": "natural_person"])
            values["vehicle_motor_information"] = .object(["vehicle_fuel_type": "ES", "vehicle_fiscal_power": .double(5),
                                                           "vehicle_max_power": .double(67), "vehicle_power": .double(67)])
            values["vehicle_max_weight"] = .double(1600)
            values["document_number"] = "2021AB12345"
            values["vehicle_next_inspection_date"] = VerificationData.day(now, plusDays: 365)
        }
        return values
    }
}
