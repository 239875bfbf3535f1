raise RuntimeError("this pack is broken on purpose")
