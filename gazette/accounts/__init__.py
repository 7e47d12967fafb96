"""Reader accounts: sign-up and sign-in, follows, saved articles and comments."""
