"""What every domain shares and that imports no domain: the domain errors services raise,
languages and formatting (i18n), enums with labels (labels), and running the migrations."""
