! cft.f90: Fortran bindings (iso_c_binding) for libcft.so. Build with: gfortran -c cft.f90
module cft
  use, intrinsic :: iso_c_binding
  implicit none
  private
  public :: cft_feature_count, cft_group_find, cft_featurize, cft_version_string, cft_last_error_string
  integer(c_int), parameter, public :: CFT_OK = 0, CFT_ERROR_ARGUMENT = 1, CFT_ERROR_UNKNOWN_GROUP = 2, &
       CFT_ERROR_BUFFER_TOO_SMALL = 3, CFT_ERROR_SYMMETRY = 4, CFT_ERROR_INTERNAL = 5

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

     type(c_ptr) function c_cft_version() bind(c, name="cft_version")
       import :: c_ptr
     end function c_cft_version

     type(c_ptr) function c_cft_last_error() bind(c, name="cft_last_error")
       import :: c_ptr
     end function c_cft_last_error

     integer(c_size_t) function c_strlen(s) bind(c, name="strlen")
       import :: c_ptr, c_size_t
       type(c_ptr), value :: s
     end function c_strlen
  end interface

contains

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
