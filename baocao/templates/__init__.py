"""Default layouts of the documents baocao writes, built from code so that no binary file is
kept in the repository; staff override them with files in DATA_DIR/templates/."""
