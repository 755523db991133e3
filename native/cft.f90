! cft.f90: Fortran bindings (iso_c_binding) for libcft.so. Build with: gfortran -c cft.f90
module cft
  use, intrinsic :: iso_c_binding
  implicit none
  private
  public :: cft_feature_count, cft_group_find, cft_featurize, cft_version_string, cft_last_error_string
  public :: cft_model_open, cft_model_open_default, cft_model_close, cft_model_info, cft_predict
  public :: cft_predict_ex, cft_domain_note_string, cft_failed_structure
  public :: cft_model_tensor, cft_predict_tensor
  public :: cft_basis_size, cft_basis_table, cft_basis_evaluate
  integer(c_int), parameter, public :: CFT_OK = 0, CFT_ERROR_ARGUMENT = 1, CFT_ERROR_UNKNOWN_GROUP = 2, &
       CFT_ERROR_BUFFER_TOO_SMALL = 3, CFT_ERROR_SYMMETRY = 4, CFT_ERROR_INTERNAL = 5, CFT_ERROR_MODEL = 6

  interface
     integer(c_int) function cft_feature_count(count) bind(c, name="cft_feature_count")
       import :: c_int, c_int32_t
       integer(c_int32_t), intent(out) :: count
     end function cft_feature_count

     integer(c_int) function cft_group_find(symbol, number, order) bind(c, name="cft_group_find")
       import :: c_int, c_int32_t, c_char
       character(kind=c_char), dimension(*), intent(in) :: symbol
       integer(c_int32_t), intent(out) :: number, order
     end function cft_group_find

     ! lattice(9): rows a, b, c in Å; positions(3, n_sites) fractional; out(F, rows) column-major = C row-major.
     integer(c_int) function cft_featurize(space_group, lattice, n_sites, atomic_numbers, positions, out, &
          out_capacity, out_rows) bind(c, name="cft_featurize")
       import :: c_int, c_int32_t, c_int64_t, c_double, c_float
       integer(c_int32_t), value :: space_group, n_sites
       real(c_double), dimension(9), intent(in) :: lattice
       integer(c_int32_t), dimension(*), intent(in) :: atomic_numbers
       real(c_double), dimension(*), intent(in) :: positions
       real(c_float), dimension(*), intent(out) :: out
       integer(c_int64_t), value :: out_capacity
       integer(c_int32_t), intent(out) :: out_rows
     end function cft_featurize

     ! As cft_featurize, and per row the site's atomic number, Wyckoff multiplicity and position(3, rows).
     integer(c_int) function cft_featurize_ex(space_group, lattice, n_sites, atomic_numbers, positions, out, &
          out_capacity, out_rows, site_numbers, site_multiplicity, site_positions, site_capacity) bind(c, name="cft_featurize_ex")
       import :: c_int, c_int32_t, c_int64_t, c_double, c_float
       integer(c_int32_t), value :: space_group, n_sites, site_capacity
       real(c_double), dimension(9), intent(in) :: lattice
       integer(c_int32_t), dimension(*), intent(in) :: atomic_numbers
       real(c_double), dimension(*), intent(in) :: positions
       real(c_float), dimension(*), intent(out) :: out
       integer(c_int64_t), value :: out_capacity
       integer(c_int32_t), intent(out) :: out_rows
       integer(c_int32_t), dimension(*), intent(out) :: site_numbers, site_multiplicity
       real(c_double), dimension(*), intent(out) :: site_positions
     end function cft_featurize_ex

     ! hkl(3, count): the frequency of feature columns 2j-1 (Re) and 2j (Im), 1-based.
     integer(c_int) function cft_feature_frequencies(hkl, capacity, count) bind(c, name="cft_feature_frequencies")
       import :: c_int, c_int32_t
       integer(c_int32_t), dimension(*), intent(out) :: hkl
       integer(c_int32_t), value :: capacity
       integer(c_int32_t), intent(out) :: count
     end function cft_feature_frequencies

     !> Opens a model by name or .onnx path (NUL-terminated); model receives the handle.
     integer(c_int) function cft_model_open(name, model) bind(c, name="cft_model_open")
       import :: c_int, c_char, c_ptr
       character(kind=c_char), dimension(*), intent(in) :: name
       type(c_ptr), intent(out) :: model
     end function cft_model_open

     integer(c_int) function c_cft_model_open_null(name, model) bind(c, name="cft_model_open")
       import :: c_int, c_ptr
       type(c_ptr), value :: name
       type(c_ptr), intent(out) :: model
     end function c_cft_model_open_null

     integer(c_int) function c_cft_model_info(model, property, unit) bind(c, name="cft_model_info")
       import :: c_int, c_ptr
       type(c_ptr), value :: model
       type(c_ptr), intent(out) :: property, unit
     end function c_cft_model_info

     integer(c_int) function cft_model_close(model) bind(c, name="cft_model_close")
       import :: c_int, c_ptr
       type(c_ptr), value :: model
     end function cft_model_close

     ! lattices(9, n): rows a, b, c per structure; site_counts(n); atomic_numbers and positions(3, *) of all
     ! structures one after another; space_groups(n) (0 = every atom of the cell, detected); values(n) out.
     integer(c_int) function cft_predict(model, n_structures, lattices, site_counts, atomic_numbers, positions, &
          space_groups, values) bind(c, name="cft_predict")
       import :: c_int, c_int32_t, c_double, c_ptr
       type(c_ptr), value :: model
       integer(c_int32_t), value :: n_structures
       real(c_double), dimension(*), intent(in) :: lattices, positions
       integer(c_int32_t), dimension(*), intent(in) :: site_counts, atomic_numbers, space_groups
       real(c_double), dimension(*), intent(out) :: values
     end function cft_predict

     ! As cft_predict, plus std(n) (ensemble standard deviation; NaN for a single network) and in_domain(n)
     ! (1 inside the model's domain, 0 outside: cft_domain_note_string(s) says why).
     integer(c_int) function cft_predict_ex(model, n_structures, lattices, site_counts, atomic_numbers, positions, &
          space_groups, values, std, in_domain) bind(c, name="cft_predict_ex")
       import :: c_int, c_int32_t, c_double, c_ptr
       type(c_ptr), value :: model
       integer(c_int32_t), value :: n_structures
       real(c_double), dimension(*), intent(in) :: lattices, positions
       integer(c_int32_t), dimension(*), intent(in) :: site_counts, atomic_numbers, space_groups
       real(c_double), dimension(*), intent(out) :: values, std
       integer(c_int32_t), dimension(*), intent(out) :: in_domain
     end function cft_predict_ex

     ! Matrix shape of a tensor model's prediction (3x3, 6x6 Voigt, 3x6); 0x0 for a scalar model.
     integer(c_int) function cft_model_tensor(model, rows, columns) bind(c, name="cft_model_tensor")
       import :: c_int, c_int32_t, c_ptr
       type(c_ptr), value :: model
       integer(c_int32_t), intent(out) :: rows, columns
     end function cft_model_tensor

     ! A tensor model's predictions: structure s's rows x columns matrix, row-major (C order), at
     ! tensors(s*rows*columns+1 ..), in the Cartesian frame of its lattice vectors as passed, exactly obeying its point
     ! group; std the same layout, in_domain(n) as cft_predict_ex.
     integer(c_int) function cft_predict_tensor(model, n_structures, lattices, site_counts, atomic_numbers, positions, &
          space_groups, tensors, std, in_domain) bind(c, name="cft_predict_tensor")
       import :: c_int, c_int32_t, c_double, c_ptr
       type(c_ptr), value :: model
       integer(c_int32_t), value :: n_structures
       real(c_double), dimension(*), intent(in) :: lattices, positions
       integer(c_int32_t), dimension(*), intent(in) :: site_counts, atomic_numbers, space_groups
       real(c_double), dimension(*), intent(out) :: tensors, std
       integer(c_int32_t), dimension(*), intent(out) :: in_domain
     end function cft_predict_tensor

     !> Index (0-based) of the structure that made this thread's last cft_predict/cft_predict_ex fail; -1 otherwise.
     integer(c_int32_t) function cft_failed_structure() bind(c, name="cft_failed_structure")
       import :: c_int32_t
     end function cft_failed_structure

     !> Size of a setting's compiled basis: non-extinct orbits, their members, extinct frequencies, phase denominator N.
     integer(c_int) function cft_basis_size(group, n_orbits, n_members, n_extinct, phase_denominator) &
          bind(c, name="cft_basis_size")
       import :: c_int, c_int32_t, c_char
       character(kind=c_char), dimension(*), intent(in) :: group
       integer(c_int32_t), intent(out) :: n_orbits, n_members, n_extinct, phase_denominator
     end function cft_basis_size

     !> The basis table: orbit_start(n_orbits+1) (0-based member offsets), hkl(3, n_members), phase(n_members)
     !> (S_member = exp(2 pi i phase/N) S_first), extinct(3, n_extinct). Capacities count entries.
     integer(c_int) function cft_basis_table(group, orbit_start, orbit_start_capacity, hkl, phase, member_capacity, &
          extinct, extinct_capacity) bind(c, name="cft_basis_table")
       import :: c_int, c_int32_t, c_char
       character(kind=c_char), dimension(*), intent(in) :: group
       integer(c_int32_t), dimension(*), intent(out) :: orbit_start, hkl, phase, extinct
       integer(c_int32_t), value :: orbit_start_capacity, member_capacity, extinct_capacity
     end function cft_basis_table

     !> S_h at n_points fractional points points(3, n_points); out(2, n_points) receives (Re, Im).
     integer(c_int) function cft_basis_evaluate(group, h, k, l, n_points, points, out) bind(c, name="cft_basis_evaluate")
       import :: c_int, c_int32_t, c_char, c_double
       character(kind=c_char), dimension(*), intent(in) :: group
       integer(c_int32_t), value :: h, k, l, n_points
       real(c_double), dimension(*), intent(in) :: points
       real(c_double), dimension(*), intent(out) :: out
     end function cft_basis_evaluate

     type(c_ptr) function c_cft_version() bind(c, name="cft_version")
       import :: c_ptr
     end function c_cft_version

     type(c_ptr) function c_cft_last_error() bind(c, name="cft_last_error")
       import :: c_ptr
     end function c_cft_last_error

     type(c_ptr) function c_cft_domain_note(s) bind(c, name="cft_domain_note")
       import :: c_ptr, c_int32_t
       integer(c_int32_t), value :: s
     end function c_cft_domain_note

     integer(c_size_t) function c_strlen(s) bind(c, name="strlen")
       import :: c_ptr, c_size_t
       type(c_ptr), value :: s
     end function c_strlen
  end interface

contains

  !> Opens the default shipped model (cft_model_open with NULL).
  integer(c_int) function cft_model_open_default(model) result(status)
    type(c_ptr), intent(out) :: model
    status = c_cft_model_open_null(c_null_ptr, model)
  end function cft_model_open_default

  !> The model's predicted property (e.g. heat_ref) and its unit (e.g. eV/cell) as Fortran strings.
  integer(c_int) function cft_model_info(model, property, unit) result(status)
    type(c_ptr), intent(in) :: model
    character(len=:), allocatable, intent(out) :: property, unit
    type(c_ptr) :: p, u
    status = c_cft_model_info(model, p, u)
    if (status == CFT_OK) then
       property = to_fortran(p)
       unit = to_fortran(u)
    else
       property = ''
       unit = ''
    end if
  end function cft_model_info

  !> The library version as a Fortran string.
  function cft_version_string() result(text)
    character(len=:), allocatable :: text
    text = to_fortran(c_cft_version())
  end function cft_version_string

  !> The calling thread's last error message as a Fortran string.
  function cft_last_error_string() result(text)
    character(len=:), allocatable :: text
    text = to_fortran(c_cft_last_error())
  end function cft_last_error_string

  !> Why structure s (0-based) of the thread's last cft_predict/cft_predict_ex is outside the model's domain ('' when inside).
  function cft_domain_note_string(s) result(text)
    integer(c_int32_t), intent(in) :: s
    character(len=:), allocatable :: text
    text = to_fortran(c_cft_domain_note(s))
  end function cft_domain_note_string

  function to_fortran(p) result(text)
    type(c_ptr), intent(in) :: p
    character(len=:), allocatable :: text
    character(kind=c_char), dimension(:), pointer :: chars
    integer :: n, i
    n = int(c_strlen(p))
    call c_f_pointer(p, chars, [n])
    allocate(character(len=n) :: text)
    do i = 1, n
       text(i:i) = chars(i)
    end do
  end function to_fortran
end module cft
