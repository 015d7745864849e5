"""Tools for developing the template itself: tagged clones, the question list, generated docs."""
