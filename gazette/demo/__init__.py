"""The offline demo: fictional news outlets served locally, for trying Gazette without a network."""
