from appraise.cli import app

app()
