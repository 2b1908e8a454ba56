"""The unified model, mapping files and fill rates: the domain behind `makini field-mappings`."""
