namespace CftRuntime.Tests.Generator;

/// <summary>A three-setting spacegroups.json (P1, P-1, P2_1/c) in the committed format.</summary>
internal static class SmallCatalog
{
    public const string Json = """
{
  "settings": [
    {
      "hall_number": 1, "number": 1, "hm": "P1", "hm_setting": "P 1", "hall": "P 1", "setting": "", "standard": true,
      "crystal_system": "triclinic", "centring": "P", "aliases": ["P1"],
      "operations": [
        {"r": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "t": ["0", "0", "0"]}
      ]
    },
    {
      "hall_number": 2, "number": 2, "hm": "P-1", "hm_setting": "P -1", "hall": "-P 1", "setting": "", "standard": true,
      "crystal_system": "triclinic", "centring": "P", "aliases": ["P-1"],
      "operations": [
        {"r": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "t": ["0", "0", "0"]},
        {"r": [[-1, 0, 0], [0, -1, 0], [0, 0, -1]], "t": ["0", "0", "0"]}
      ]
    },
    {
      "hall_number": 81, "number": 14, "hm": "P2_1/c", "hm_setting": "P 1 2_1/c 1", "hall": "-P 2ybc", "setting": "b1", "standard": true,
      "crystal_system": "monoclinic", "centring": "P", "aliases": ["P 2_1/c"],
      "operations": [
        {"r": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "t": ["0", "0", "0"]},
        {"r": [[-1, 0, 0], [0, 1, 0], [0, 0, -1]], "t": ["0", "1/2", "1/2"]},
        {"r": [[-1, 0, 0], [0, -1, 0], [0, 0, -1]], "t": ["0", "0", "0"]},
        {"r": [[1, 0, 0], [0, -1, 0], [0, 0, 1]], "t": ["0", "1/2", "1/2"]}
      ]
    }
  ]
}
""";
}
