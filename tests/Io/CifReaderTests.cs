using System;
using System.Linq;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

/// <summary>From CIF text to <see cref="global::CftRuntime.Crystals.Crystal"/>: cell, sites, occupancy and the symmetry priority.</summary>
public class CifReaderTests
{
    private const string Cell = "_cell_length_a 5.64(1)\n_cell_length_b 5.64\n_cell_length_c 5.64\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";
    private const string NaClSites = "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 Na+ 0 0 0\nCl1 Cl- 0.5 0.5 0.5\n";

    private static global::CftRuntime.Crystals.Crystal One(string text) => Assert.Single(CifReader.ParseCrystals(text, "s"));

    [Theory]
    [InlineData("_symmetry_space_group_name_H-M 'F m -3 m'\n")]
    [InlineData("_space_group_name_H-M_alt 'Fm-3m'\n")]
    [InlineData("_space_group_name_Hall '-F 4 2 3'\n")]
    [InlineData("_symmetry_Int_Tables_number 225\n")]
    [InlineData("_space_group_name_H-M_alt 'no such group'\n_space_group_IT_number 225\n")]
    public void Rock_salt_from_any_symmetry_description(string symmetry)
    {
        var c = One("data_nacl\n" + Cell + symmetry + NaClSites);
        Assert.Equal(225, c.Symmetry.Number);
        Assert.Equal(8, c.AtomCount, 9);
        Assert.Equal(new[] { 11, 17 }, c.Sites.Select(s => s.AtomicNumber));
        Assert.Equal(5.64, c.Lattice.A, 9);
        Assert.Equal("s", c.Id);
    }

    [Fact]
    public void Listed_operations_take_priority_over_symbols()
    {
        string ops = "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'-x, -y, -z'\n";
        var c = One("data_p\n" + Cell + ops + NaClSites);
        Assert.Equal(2, c.Symmetry.Number);
        Assert.Equal(2, c.AtomCount, 9);
    }

    [Fact]
    public void Coordinate_system_code_picks_the_origin_choice()
    {
        string sites = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi1 0.125 0.125 0.125\n";
        var origin2 = One("data_si\n" + Cell + "_space_group_name_H-M_alt 'F d -3 m'\n_space_group.IT_coordinate_system_code 2\n" + sites);
        var origin1 = One("data_si\n" + Cell + "_space_group_name_H-M_alt 'F d -3 m'\n_space_group.IT_coordinate_system_code 1\n" + sites);
        Assert.Equal("2", origin2.Symmetry.Setting!.Value.Setting);
        Assert.Equal("1", origin1.Symmetry.Setting!.Value.Setting);
        Assert.Equal(8, origin2.AtomCount, 9);
    }

    [Fact]
    public void No_symmetry_means_P1_and_partial_occupancy_is_kept()
    {
        var c = One("data_p1\n" + Cell + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nFe1 0 0 0 0.25(1)\nO1 0.5 0.5 0.5 ?\nO2 0.5 0 0 .\n");
        Assert.Equal(1, c.Symmetry.Number);
        Assert.True(c.HasPartialOccupancy);
        Assert.Equal(new[] { 0.25, 1, 1 }, c.Sites.Select(s => s.Occupancy));
        Assert.Equal(new[] { 26, 8, 8 }, c.Sites.Select(s => s.AtomicNumber));
    }

    [Fact]
    public void Several_blocks_give_file_colon_block_ids_and_one_can_be_chosen()
    {
        string text = "data_meta\n_journal_name_full 'X'\ndata_a\n" + Cell + NaClSites + "data_b\n" + Cell + "_symmetry_Int_Tables_number 221\n" + NaClSites;
        var all = CifReader.ParseCrystals(text, "multi");
        Assert.Equal(new[] { "multi:a", "multi:b" }, all.Select(c => c.Id));
        Assert.Equal(221, Assert.Single(CifReader.ParseCrystals(text, "multi", "B")).Symmetry.Number);
        Assert.Contains("has no atom sites", Assert.Throws<CifException>(() => CifReader.ParseCrystals(text, "multi", "meta")).Message);
        Assert.Contains("expected a data block 'data_zzz'", Assert.Throws<CifException>(() => CifReader.ParseCrystals(text, "multi", "zzz")).Message);
    }

    [Theory]
    [InlineData("_cell_length_a", "expected '_cell_length_a'", 1)]
    [InlineData("_cell_angle_gamma", "expected '_cell_angle_gamma'", 1)]
    public void Missing_cell_is_an_error_that_names_the_tag_and_block_line(string dropped, string expected, int line)
    {
        string cell = string.Join("\n", Cell.Split('\n').Where(l => !l.StartsWith(dropped + " ")));
        var e = Assert.Throws<CifException>(() => CifReader.ParseCrystals("data_x\n" + cell + NaClSites, "nocell.cif"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(line, e.Line);
    }

    [Theory]
    [InlineData("Na1 Na ? 0 0", 14, "site 'Na1': fractional x is '?'")]
    [InlineData("Na1 Na 0 0 zero", 14, "site 'Na1': expected a number for fractional z, found 'zero'")]
    [InlineData("Zz1 ? 0 0 0", 14, "site 'Zz1': expected an element symbol")]
    public void Bad_sites_are_errors_naming_the_site(string row, int line, string expected)
    {
        string text = "data_x\n" + Cell + "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n" + row + "\n";
        var e = Assert.Throws<CifException>(() => CifReader.ParseCrystals(text, "bad.cif"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(line, e.Line);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void Occupancy_outside_0_to_1_is_an_error(string occupancy)
    {
        string text = "data_x\n" + Cell + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nFe1 0 0 0 " + occupancy + "\n";
        Assert.Contains("occupancy " + occupancy + " is not in (0, 1]", Assert.Throws<CifException>(() => CifReader.ParseCrystals(text, "o.cif")).Message);
    }

    [Fact]
    public void Bad_symmetry_is_an_error_not_P1()
    {
        Assert.Contains("unrecognised space group 'Q 9'", Assert.Throws<CifException>(() => One("data_x\n" + Cell + "_symmetry_space_group_name_H-M 'Q 9'\n" + NaClSites)).Message);
        var e = Assert.Throws<CifException>(() => One("data_x\n" + Cell + "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n'x,y,w'\n" + NaClSites));
        Assert.Contains("cannot read symmetry operation 'x,y,w'", e.Message);
        Assert.Equal(11, e.Line);
    }

    [Fact]
    public void Text_without_structure_is_an_error()
    {
        Assert.Contains("expected a 'data_' block", Assert.Throws<CifException>(() => CifReader.ParseCrystals("", "e")).Message);
        Assert.Contains("no data block has atom sites", Assert.Throws<CifException>(() => CifReader.ParseCrystals("data_x\n_a 1\n", "e")).Message);
    }

    [Fact]
    public void A_missing_file_is_a_CifException_naming_it()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "no-such-dir-cft", "x.cif");
        var e = Assert.Throws<CifException>(() => CifReader.ReadCrystals(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("cannot read the file", e.Message);
        Assert.Throws<PoscarException>(() => PoscarReader.Read(path));
    }
    [Fact]
    public void Dummy_atoms_and_density_peaks_are_skipped_with_a_note()
    {
        string sites = "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                       + "Na1 Na 0 0 0\nCl1 Cl 0.5 0.5 0.5\nQ1 Q 0.25 0.25 0.25\nX1 X 0.1 0.1 0.1\nDu1 Du 0.2 0 0\n";
        var c = One("data_d\n" + Cell + "_symmetry_Int_Tables_number 225\n" + sites);
        Assert.Equal(new[] { 11, 17 }, c.Sites.Select(s => s.AtomicNumber));
        var note = Assert.Single(c.Notes);
        Assert.Contains("skipped 3 dummy sites", note);
        Assert.Contains("Q1, X1, Du1", note);
        // Without a type symbol the label's letters decide: Q2 is a peak, Xe1 is xenon; a calc_flag 'dum' site is skipped too.
        string labels = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_calc_flag\nXe1 0 0 0 d\nQ2 0.3 0.3 0.3 .\nNa9 0.5 0.5 0.5 dum\n";
        var xe = One("data_xe\n" + Cell + "_symmetry_Int_Tables_number 225\n" + labels);
        Assert.Equal(new[] { 54 }, xe.Sites.Select(s => s.AtomicNumber));
        Assert.Contains("Q2, Na9", Assert.Single(xe.Notes));
        string onlyDummies = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nQ1 0 0 0\n";
        Assert.Contains("every site is a dummy atom", Assert.Throws<CifException>(() => One("data_q\n" + Cell + onlyDummies)).Message);
    }

    [Fact]
    public void Cartesian_coordinates_are_read_in_the_standard_orientation_or_with_the_files_matrix()
    {
        const string monoclinic = "_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 90\n_cell_angle_beta 100\n_cell_angle_gamma 90\n";
        var lattice = global::CftRuntime.Crystals.Lattice.FromParameters(5, 6, 7, 90, 100, 90);
        var (x, y, z) = lattice.ToCartesian(0.1, 0.2, 0.3);
        string sites = FormattableString.Invariant($"loop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nO1 {x:R} {y:R} {z:R}\n");
        var c = One("data_c\n" + monoclinic + sites);
        var site = Assert.Single(c.Sites);
        Assert.Equal(0.1, site.X, 12);
        Assert.Equal(0.2, site.Y, 12);
        Assert.Equal(0.3, site.Z, 12);
        Assert.Contains("a along x, b in the xy plane", Assert.Single(c.Notes));
        // The file's own fractional-to-Cartesian matrix (here: a along z, b along x, c along y for an orthorhombic cell).
        const string ortho = "_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";
        string matrix = "_atom_sites_Cartn_tran_matrix_11 0\n_atom_sites_Cartn_tran_matrix_12 6\n_atom_sites_Cartn_tran_matrix_13 0\n"
                        + "_atom_sites_Cartn_tran_matrix_21 0\n_atom_sites_Cartn_tran_matrix_22 0\n_atom_sites_Cartn_tran_matrix_23 7\n"
                        + "_atom_sites_Cartn_tran_matrix_31 5\n_atom_sites_Cartn_tran_matrix_32 0\n_atom_sites_Cartn_tran_matrix_33 0\n";
        string rotated = "loop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nO1 1.2 2.1 0.5\n";
        var r = Assert.Single(One("data_m\n" + ortho + matrix + rotated).Sites);
        Assert.Equal(0.1, r.X, 12);
        Assert.Equal(0.2, r.Y, 12);
        Assert.Equal(0.3, r.Z, 12);
        Assert.Contains("all nine", Assert.Throws<CifException>(() => One("data_m\n" + ortho + "_atom_sites_Cartn_tran_matrix_11 1\n" + rotated)).Message);
    }
}
