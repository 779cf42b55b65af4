"""clusterbot: the coordination bot of the Saint-Petersburg Cleantech Cluster."""
