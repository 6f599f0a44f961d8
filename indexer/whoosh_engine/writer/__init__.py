"""Writing the Whoosh index: `build` (update or rebuild from the archive), `documents` (an article's
fields), `parallel` (workers that segment and write segments), `segwriter` (the fast segment writer)."""
