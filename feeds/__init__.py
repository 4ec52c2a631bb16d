"""Calendar feeds: what each subscriber sees, rendered as iCalendar and served to calendar clients."""
