"""The bundled data set (`dataset.yaml`), a package only so that installs ship it."""
