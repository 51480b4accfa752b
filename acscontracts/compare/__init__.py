"""Compare terms and documents: terms diff, redline, issued .docx reader, change summary."""
