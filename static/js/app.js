/* Starts the design system's components (menus, alerts). No page needs JavaScript to work. */
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});
