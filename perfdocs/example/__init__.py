"""The bundled example organisation's generated git repositories."""
