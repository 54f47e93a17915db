"""Fine Print's seven languages: which locale a member or server speaks, and the catalogs.

- ``locales``: the seven locale codes and how Discord's (``pt-BR``, ``es-419``…) map onto them;
- ``catalog``: reading and checking the translation files in ``data/i18n/<locale>/`` (interface
  strings and knowledge texts), with ``file:line`` problems like the knowledge loader's;
- ``languages``: the loaded catalogs, handing out one ``Texts`` per locale.
"""
