"""What an outside probe found (issue 10): throttles, proxies, media types, outbound URLs."""
