import CLibXML2
import Foundation

/// A GOCDB public-API answer read with libxml2: the records of one element name (`DOWNTIME`, `SERVICE_ENDPOINT`),
/// each as its child elements' text by name, with the record's attributes under `@name`. No DTD, no entities, no
/// network: the answer is data, nothing in it is fetched or expanded.
struct GOCDBDocument {
    /// The text of an `<error>` element, when the API answered one (an unknown parameter, a bad value).
    var error: String?
    var records: [[String: String]]

    /// - Throws: ``GOCDBError/malformed(_:)`` when the bytes are not well-formed XML.
    init(_ bytes: [UInt8], records name: String) throws(GOCDBError) {
        let options = CLibXML2_api_answer_options()
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlReadMemory($0, Int32(buffer.count), "gocdb.xml", "UTF-8", options) }
            }
        }
        guard let document = parsed else { throw .malformed("the answer is not well-formed XML") }
        defer { xmlFreeDoc(document) }
        // The API sends no DTD: one in an answer can only be there to declare entities.
        guard document.pointee.intSubset == nil else { throw .malformed("the answer declares a DTD") }
        var error: String?
        var records: [[String: String]] = []
        func walk(_ node: xmlNodePtr?) {
            var node = node
            while let current = node {
                if current.pointee.type == XML_ELEMENT_NODE {
                    let tag = Self.name(of: current)
                    if tag.lowercased() == "error" {
                        error = Self.text(of: current)
                    } else if tag == name {
                        records.append(Self.record(current))
                    } else {
                        walk(current.pointee.children)
                    }
                }
                node = current.pointee.next
            }
        }
        walk(xmlDocGetRootElement(document))
        self.error = error
        self.records = records
    }

    static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    static func text(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { CLibXML2_free(content) }
        return String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A record's child elements' text by name (the first of each name), and its attributes under `@name`.
    static func record(_ node: xmlNodePtr) -> [String: String] {
        var fields: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let key = current.pointee.name.map { String(cString: $0) } ?? ""
            if let value = xmlGetProp(node, current.pointee.name) {
                fields["@" + key] = String(cString: value)
                CLibXML2_free(value)
            }
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let key = name(of: current)
                if fields[key] == nil { fields[key] = text(of: current) }
            }
            child = current.pointee.next
        }
        return fields
    }
}
