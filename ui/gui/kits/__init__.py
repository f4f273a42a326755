"""Field kits in the GUI: the kit banner, the Field kit menu, checkout, sync and the
conflict queue."""
