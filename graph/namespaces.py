"""The prefixes the project writes RDF and SPARQL with, in one place."""

PREFIXES: dict[str, str] = {
    "uikg": "https://w3id.org/uikg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}

# The same namespaces as constants, for code that builds IRIs (``PROV + "wasDerivedFrom"``).
UIKG = PREFIXES["uikg"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
OWL = PREFIXES["owl"]
DCT = PREFIXES["dct"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
ORG = PREFIXES["org"]
OA = PREFIXES["oa"]
GEO = PREFIXES["geo"]

# Namespaces the project reads but does not write in Turtle prefixes.
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
