"""What every domain shares and that imports no domain: the domain errors services raise,
languages and formatting (i18n), and running the migrations."""
