! Reads the basis of Fd-3m through libcft.so from Fortran: its size, the members of its second orbit, and S_(1 1 1).
! Build: gfortran ../cft.f90 basis.f90 -L<dir of libcft.so> -lcft -o basis_f
program basis
  use, intrinsic :: iso_c_binding
  use cft
  implicit none
  integer(c_int32_t) :: n_orbits, n_members, n_extinct, n, m
  integer(c_int32_t), allocatable :: start(:), hkl(:, :), phase(:), extinct(:, :)
  real(c_double) :: points(3, 2), values(2, 2)

  if (cft_basis_size("Fd-3m" // c_null_char, n_orbits, n_members, n_extinct, n) /= CFT_OK) stop 1
  print '(a, i0, a, i0, a, i0, a, i0)', 'Fd-3m: ', n_orbits, ' orbits, ', n_members, ' members, ', n_extinct, &
       ' extinct, phase denominator ', n
  allocate(start(n_orbits + 1), hkl(3, n_members), phase(n_members), extinct(3, n_extinct))
  if (cft_basis_table("Fd-3m" // c_null_char, start, n_orbits + 1, hkl, phase, n_members, extinct, n_extinct) /= CFT_OK) then
     print '(a)', cft_last_error_string()
     stop 1
  end if
  ! orbit_start holds 0-based offsets: orbit 2 (the second) is members start(2)+1 .. start(3).
  write (*, '(a)', advance='no') 'orbit 1:'
  do m = start(2) + 1, start(3)
     write (*, '(a, i0, a, i0, a, i0, a)', advance='no') ' (', hkl(1, m), ' ', hkl(2, m), ' ', hkl(3, m), ')'
     if (phase(m) /= 0) write (*, '(a, i0, a, i0, a)', advance='no') '*e(', phase(m), '/', n, ')'
  end do
  print '(a)', ''

  points(:, 1) = [0d0, 0d0, 0d0]
  points(:, 2) = [0.125d0, 0.125d0, 0.125d0]
  if (cft_basis_evaluate("Fd-3m" // c_null_char, 1, 1, 1, 2, points, values) /= CFT_OK) stop 1
  print '(a, f15.12, a, f15.12)', 'S(1 1 1): ', values(1, 1), ' at (0 0 0), ', values(1, 2)
end program basis
