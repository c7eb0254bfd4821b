"""What the tests share, as plain helpers (fixtures in tests/conftest.py wire them):

- files.py      where the repository and the test data are; a file tree from a dict; one exact edit
- orgs.py       tiny organisations written from data, each test stating only what differs
- git.py        real git repositories with an isolated configuration: the repository stories
- cli.py        the CLI in process (click's runner) and as a real child process
- cases.py      the rule cases' mutations of the minimal organisation and their checker
- linkcheck.py  the link check over a built site
"""
