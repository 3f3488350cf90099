"""Operations commands of the Flask CLI (backup, retention), each registered by server/cli.py."""
