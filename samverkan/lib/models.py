from .pdfcache import RenderedPdf

__all__ = ["RenderedPdf"]
