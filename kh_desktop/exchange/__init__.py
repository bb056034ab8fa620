"""Exchange files between PCs (send, receive), backups and restore. SQL lives in storage/exchange_*.py."""
