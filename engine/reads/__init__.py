"""Read models: what pages and the API list and show. Modules here never write."""
