"""Files in and out: roster import, CSV/XLSX export, ward-database merge, a colleague's data export."""
