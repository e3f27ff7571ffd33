"""Official documents in the Nghị định 30/2020/NĐ-CP format: templates, layout, .docx and PDF.

No database and no Flask here: `service.domain.documents` numbers and stores documents; this package
turns a template file (bpmn/documents/<kind>.toml, replaceable by an admin) and a document's values
into the art. 8 layout (`layout.Layout`), then into a .docx (python-docx) and a PDF (fpdf2).
"""
