"""Court-ready exhibit bundles (PDF, DOCX index, CSV/JSON citations) and their verification."""

from exhibits.citations import write_csv, write_json
from exhibits.collect import ExhibitError, build_bundle, ids_from_search
from exhibits.docx import render_docx
from exhibits.export import Outputs, export_bundle
from exhibits.model import Bundle, Caption, Exhibit
from exhibits.pdf import render_pdf
from exhibits.verify import BundleProblem, verify_bundle

__all__ = ["Bundle", "BundleProblem", "Caption", "Exhibit", "ExhibitError", "Outputs",
           "build_bundle", "export_bundle", "ids_from_search", "render_docx", "render_pdf",
           "verify_bundle", "write_csv", "write_json"]
